/** A trivial SLA engine (24×7, fixed budgets) as strict as the real one about clock states, and a settable clock. */
import type { ClockKind, Severity, SlaClock } from '../../src/sla/types.ts';
import type { SlaOps } from '../../src/tickets/sla-sync.ts';

const MIN = 60_000;
export const BUDGET: Record<Severity, Record<ClockKind, number>> = {
  P0: { first_response: 15 * MIN, resolution: 240 * MIN },
  P1: { first_response: 60 * MIN, resolution: 480 * MIN },
  P2: { first_response: 240 * MIN, resolution: 1440 * MIN },
  P3: { first_response: 480 * MIN, resolution: 2400 * MIN },
};

function refuse(clock: SlaClock, op: string, why: string): never {
  throw new Error(`fake SLA: cannot ${op} the ${clock.kind} clock: ${why}`);
}

export function fakeSla(): SlaOps & { calls: string[] } {
  const calls: string[] = [];
  const iso = (d: Date) => d.toISOString();
  const since = (clock: SlaClock, now: Date) =>
    clock.runningSince ? now.getTime() - Date.parse(clock.runningSince) : 0;
  return {
    calls,
    start(kind, severity, now) {
      calls.push(`start ${kind} ${severity}`);
      return {
        kind,
        severity,
        calendarId: '24x7',
        startedAt: iso(now),
        budgetMs: BUDGET[severity][kind],
        consumedMs: 0,
        runningSince: iso(now),
        stoppedAt: null,
        warnedAt: null,
        breachedAt: null,
      };
    },
    pause(clock, now) {
      calls.push(`pause ${clock.kind}`);
      if (clock.stoppedAt) refuse(clock, 'pause', 'stopped');
      if (!clock.runningSince) refuse(clock, 'pause', 'already paused');
      return { ...clock, consumedMs: clock.consumedMs + since(clock, now), runningSince: null };
    },
    resume(clock, now) {
      calls.push(`resume ${clock.kind}`);
      if (clock.stoppedAt) refuse(clock, 'resume', 'stopped');
      if (clock.runningSince) refuse(clock, 'resume', 'already running');
      return { ...clock, runningSince: iso(now) };
    },
    stop(clock, now) {
      calls.push(`stop ${clock.kind}`);
      if (clock.stoppedAt) refuse(clock, 'stop', 'already stopped');
      return {
        ...clock,
        consumedMs: clock.consumedMs + since(clock, now),
        runningSince: null,
        stoppedAt: iso(now),
      };
    },
    retarget(clock, severity, _now) {
      calls.push(`retarget ${clock.kind} ${severity}`);
      if (clock.stoppedAt) refuse(clock, 'retarget', 'stopped');
      return { ...clock, severity, budgetMs: BUDGET[severity][clock.kind] };
    },
  };
}

/** A clock tests move by hand. */
export function manualClock(start = '2025-03-03T01:00:00.000Z') {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
    iso: () => new Date(t).toISOString(),
  };
}
