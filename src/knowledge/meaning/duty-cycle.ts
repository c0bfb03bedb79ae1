/**
 * How much of the recent past a thread spent working: busy spans are recorded as they start and
 * end, and `share(now)` is the part of the last `windowMs` they cover. Pure, with the clock passed
 * in, so the rationing it drives (sentence-encoder.ts) is tested without waiting.
 */
export class DutyCycle {
  readonly #windowMs: number;
  /** Finished busy spans that may still overlap the window, oldest first. */
  readonly #spans: { from: number; to: number }[] = [];
  #since: number | undefined;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** The thread starts working (no-op while it already is). */
  begin(now: number): void {
    this.#since ??= now;
  }

  /** The thread is idle again. */
  end(now: number): void {
    if (this.#since === undefined) return;
    this.#spans.push({ from: this.#since, to: now });
    this.#since = undefined;
  }

  /** Share of the last `windowMs` spent working, 0..1. */
  share(now: number): number {
    const start = now - this.#windowMs;
    while (this.#spans.length > 0 && this.#spans[0].to <= start) this.#spans.shift();
    let busy = 0;
    for (const s of this.#spans) busy += Math.max(0, Math.min(s.to, now) - Math.max(s.from, start));
    if (this.#since !== undefined) busy += Math.max(0, now - Math.max(this.#since, start));
    return Math.min(1, busy / this.#windowMs);
  }
}
