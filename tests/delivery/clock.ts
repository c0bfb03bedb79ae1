/** A clock tests move by hand. */
export function fakeClock(start = Date.parse('2025-03-03T09:00:00Z')) {
  let t = start;
  return {
    now: () => new Date(t),
    advance(ms: number): void {
      t += ms;
    },
    /** ms since the start. */
    ms: () => t - start,
  };
}
export type FakeClock = ReturnType<typeof fakeClock>;
