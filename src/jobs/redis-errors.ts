/**
 * Turning Redis connectivity failures into HelplineError('REDIS_UNAVAILABLE') with a message an
 * operator can act on. Other errors pass through: they are bugs, not outages.
 */
import { HelplineError } from '../errors.ts';

/** The URL without its password, fit for messages and logs. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

const CONNECTION_ERRORS =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EPIPE|Connection is closed|enableOfflineQueue|max retries per request|NOAUTH|WRONGPASS|timed out/i;

export function isRedisConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || CONNECTION_ERRORS.test(err.message);
}

export function redisUnavailable(url: string, doing: string, cause: unknown): HelplineError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new HelplineError(
    'REDIS_UNAVAILABLE',
    `Redis at ${describeRedisUrl(url)} (REDIS_URL) is not reachable while ${doing}: ${reason}. ` +
      'Start Redis or fix REDIS_URL; unset REDIS_URL to run jobs in-process.',
    { cause },
  );
}

/** Runs a Redis operation with a deadline, mapping outages to REDIS_UNAVAILABLE. */
export async function withRedis<T>(
  url: string,
  doing: string,
  timeoutMs: number,
  operation: () => Promise<T>,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  const running = operation();
  // If the deadline wins, a late rejection must not surface as an unhandled one.
  running.catch(() => {});
  try {
    return await Promise.race([running, deadline]);
  } catch (err) {
    if (err instanceof HelplineError || !isRedisConnectionError(err)) throw err;
    throw redisUnavailable(url, doing, err);
  } finally {
    clearTimeout(timer);
  }
}
