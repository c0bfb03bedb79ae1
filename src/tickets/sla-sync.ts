/**
 * Keeps a ticket's SLA clocks in step with its status and severity. The clock math itself belongs to
 * the SLA engine (src/sla) and comes in as `SlaOps`; this file only decides which operation a
 * change calls for:
 * - first response stops once anyone has engaged (claimed, waiting on the employee, resolved);
 * - resolution pauses while waiting on the employee, runs again when the ticket is back with
 *   support, stops at resolved/closed, and continues with the time already used on a reopen;
 * - a severity change retargets every clock that is not stopped.
 */
import type { ClockKind, Severity, SlaClock } from '../sla/types.ts';
import type { Ticket, TicketStatus } from './types.ts';

/** The SLA engine as the ticket service uses it; the lead binds policy and calendars. */
export interface SlaOps {
  start(kind: ClockKind, severity: Severity, now: Date): SlaClock;
  pause(clock: SlaClock, now: Date): SlaClock;
  resume(clock: SlaClock, now: Date): SlaClock;
  stop(clock: SlaClock, now: Date): SlaClock;
  retarget(clock: SlaClock, severity: Severity, now: Date): SlaClock;
  /**
   * Counts a stopped clock again (ticket reopened), keeping the time it had used.
   * @defaultValue the stopped clock made paused (stoppedAt cleared), then `resume`
   */
  reopen?(clock: SlaClock, now: Date): SlaClock;
}

const ENGAGED: readonly TicketStatus[] = ['claimed', 'waiting_employee', 'resolved', 'closed'];
const DONE: readonly TicketStatus[] = ['resolved', 'closed'];

export function startClocks(sla: SlaOps, severity: Severity, now: Date): SlaClock[] {
  return [sla.start('first_response', severity, now), sla.start('resolution', severity, now)];
}

export function syncClocks(after: Ticket, sla: SlaOps, now: Date): SlaClock[] {
  return after.clocks.map((clock) => {
    let c =
      clock.kind === 'first_response'
        ? firstResponse(clock, after.status, sla, now)
        : resolution(clock, after.status, sla, now);
    if (c.stoppedAt === null && c.severity !== after.severity) c = sla.retarget(c, after.severity, now);
    return c;
  });
}

function firstResponse(clock: SlaClock, status: TicketStatus, sla: SlaOps, now: Date): SlaClock {
  return ENGAGED.includes(status) && clock.stoppedAt === null ? sla.stop(clock, now) : clock;
}

function resolution(clock: SlaClock, status: TicketStatus, sla: SlaOps, now: Date): SlaClock {
  const stopped = clock.stoppedAt !== null;
  const running = !stopped && clock.runningSince !== null;
  if (DONE.includes(status)) return stopped ? clock : sla.stop(clock, now);
  if (status === 'waiting_employee') return running ? sla.pause(clock, now) : clock;
  if (stopped)
    return sla.reopen
      ? sla.reopen(clock, now)
      : sla.resume({ ...clock, stoppedAt: null, runningSince: null }, now);
  return running ? clock : sla.resume(clock, now);
}
