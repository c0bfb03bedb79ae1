/**
 * Races a promise against a timer. The promise keeps running (a probe cannot be cancelled), but its
 * late result or rejection is absorbed, and the timer is cleared as soon as either side settles.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  message = `timed out after ${ms} ms`,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
