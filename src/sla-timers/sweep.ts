/**
 * The safety net under the SLA timers (DESIGN §2 flow 6: "a restart rebuilds every timer"). The
 * deadlines live in the database, so the sweep reads every open ticket, records any warning or
 * breach that is overdue and unmarked (its timer was lost with Redis, or never added because the
 * process died between the ticket change and the sync), and re-adds every timer. Deterministic ids
 * make re-adding an unchanged timer cheap.
 *
 * `scheduleSweep` runs it as a maintenance job that reschedules itself, one job per time slot with
 * an id naming the slot: any number of workers scheduling it at start still run one sweep per slot.
 */
import type { JobHandler, JobRunner } from '../jobs/types.ts';
import { evaluateClocks } from '../sla/escalation.ts';
import type { CalendarSet } from '../sla/types.ts';
import { OPEN_STATUSES } from '../tickets/lifecycle.ts';
import type { TicketFilter } from '../tickets/ticket-store.ts';
import type { Ticket } from '../tickets/types.ts';
import { carriesTimers, type PlannedTimer, syncTimers } from './schedule.ts';

export interface SweepOptions {
  /** TicketStore or TicketService. */
  tickets: { list(filter: TicketFilter): Promise<Ticket[]> };
  runner: JobRunner;
  calendars: CalendarSet;
  now: () => Date;
  /** Records what is due on one ticket and re-syncs its timers (`fireDue`, bound). */
  fire: (ticketId: string) => Promise<{ notices: unknown[]; timers: PlannedTimer[] }>;
  /**
   * Open tickets read per list call, at most 1000 (TicketStore.list's cap). @defaultValue 1000
   */
  pageSize?: number;
  /** Tickets handled at once. @defaultValue 8 */
  concurrency?: number;
  /** A ticket that could not be swept; the sweep carries on. @defaultValue logs to stderr */
  onError?: (err: unknown, context: string) => void;
}

export interface SweepResult {
  /** Open tickets read. */
  tickets: number;
  /** Warnings and breaches recorded by this sweep (their timers had not fired). */
  fired: number;
  /** Timers (re-)added. */
  scheduled: number;
  /** Tickets that failed (see onError); the next sweep tries again. */
  failed: number;
  /**
   * Statuses whose page was full, so tickets beyond it were not swept this time. TicketStore.list has
   * no cursor yet; each open status is read as one page of the oldest tickets.
   */
  truncated: string[];
}

export async function sweep(options: SweepOptions): Promise<SweepResult> {
  const { tickets, runner, calendars, now } = options;
  const pageSize = Math.max(1, Math.min(options.pageSize ?? 1000, 1000));
  const onError =
    options.onError ?? ((err, context) => console.error(`[helpline] SLA sweep: ${context}:`, err));
  const result: SweepResult = { tickets: 0, fired: 0, scheduled: 0, failed: 0, truncated: [] };
  const countScheduled = (timers: PlannedTimer[]) => {
    result.scheduled += timers.filter((t) => t.at !== null).length;
  };

  const one = async (ticket: Ticket) => {
    try {
      if (!carriesTimers(ticket)) {
        await syncTimers(runner, ticket, calendars, now());
      } else if (evaluateClocks(ticket.clocks, calendars, now()).length > 0) {
        const fired = await options.fire(ticket.id);
        result.fired += fired.notices.length;
        countScheduled(fired.timers);
      } else {
        countScheduled(await syncTimers(runner, ticket, calendars, now()));
      }
    } catch (err) {
      result.failed += 1;
      onError(err, `ticket ${ticket.number}`);
    }
  };

  // One page per open status, oldest first: the tickets closest to their deadlines come first.
  for (const status of OPEN_STATUSES) {
    const page = await tickets.list({ status, order: 'oldest', limit: pageSize });
    result.tickets += page.length;
    if (page.length === pageSize) result.truncated.push(status);
    await eachLimited(page, options.concurrency ?? 8, one);
  }
  return result;
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export const SWEEP_QUEUE = 'maintenance';
/** The job name of the periodic sweep. */
export const SLA_SWEEP = 'sla-sweep';

export interface SweepJobData {
  everyMs: number;
  /** Start of the slot this job sweeps, in epoch ms. */
  slot: number;
}

/** The id of the sweep job for the slot starting at `slot` ms (no ':' — BullMQ reserves it). */
export function sweepJobId(everyMs: number, slot: number): string {
  return `sla-sweep-${everyMs}-${slot}`;
}

/**
 * Adds the sweep job for the next slot boundary after `now` (a multiple of `everyMs` since the
 * epoch). Every process may call it at start: they all name the same job, so one sweep runs per slot.
 */
export async function scheduleSweep(
  runner: JobRunner,
  everyMs = 60_000,
  now: Date = new Date(),
  after?: number,
): Promise<{ id: string; slot: number }> {
  if (!Number.isInteger(everyMs) || everyMs < 1) {
    throw new RangeError(`everyMs must be a positive whole number of milliseconds, got ${everyMs}`);
  }
  const nowMs = now.getTime();
  // `after`: never the slot being swept (a job that wakes a little early must not name itself).
  const slot = Math.max((Math.floor(nowMs / everyMs) + 1) * everyMs, (after ?? -Infinity) + everyMs);
  const id = sweepJobId(everyMs, slot);
  await runner.add<SweepJobData>(SWEEP_QUEUE, {
    name: SLA_SWEEP,
    id,
    data: { everyMs, slot },
    delayMs: Math.max(0, slot - nowMs),
    // A failed sweep is followed by the next slot's; retrying this one only delays it.
    attempts: 1,
  });
  return { id, slot };
}

/** The 'sla-sweep' handler: schedules the next slot first (a failing sweep keeps the chain), then sweeps. */
export function sweepHandler(
  runner: JobRunner,
  runSweep: () => Promise<SweepResult>,
  now: () => Date,
): JobHandler<SweepJobData> {
  return async (data) => {
    await scheduleSweep(runner, data.everyMs, now(), data.slot);
    await runSweep();
  };
}
