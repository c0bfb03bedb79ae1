/**
 * What an SLA timer does when it goes off: re-read the ticket, ask the SLA engine what is due now
 * (evaluateClocks), record it (record-due.ts: mark, audit, escalate one tier on a breach), tell
 * people, and re-sync the ticket's timers. The job itself decides nothing: a timer that fires early
 * (the clock was paused or retargeted since) finds nothing due and only re-syncs; one that fires
 * twice finds the mark and does nothing.
 */
import { type JobHandler, type JobRunner, RetryLater } from '../jobs/types.ts';
import { evaluateClocks } from '../sla/escalation.ts';
import type { CalendarSet, Severity, SlaClock } from '../sla/types.ts';
import type { SlaOps } from '../tickets/sla-sync.ts';
import type { TicketStore } from '../tickets/ticket-store.ts';
import type { Ticket, Tier } from '../tickets/types.ts';
import { type RecordedSlaEvent, recordDueEvents } from './record-due.ts';
import { carriesTimers, type PlannedTimer, type SlaTimerData, syncTimers } from './schedule.ts';

/** Who hears of an SLA event when nobody holds the ticket: its category's triage channel. */
export const TRIAGE_RECIPIENT = 'triage';

export interface SlaNotice {
  kind: 'sla_warning' | 'sla_breach';
  /** The ticket as stored after the event: for a breach already at its new tier (and unassigned). */
  ticket: Ticket;
  /** The clock that crossed its threshold, with its mark. */
  clock: SlaClock;
  /** The assignee, or 'triage' when nobody holds the ticket (the triage channel of its tier). */
  recipient: string;
  /** When the threshold was crossed (ISO). */
  at: string;
  /**
   * The same for every delivery of this event (`sla:<ticket>:<clock>:<stage>:<at>`): key the outbound
   * message with it so a redelivered notice never double-posts.
   */
  key: string;
  /** The tier change a breach made; null for a warning or a breach at the top tier. */
  escalation: { from: Tier; to: Tier; previousAssigneeId: string | null } | null;
}

/** Delivers a notice (the lead wires it to the outbound queue); may be async. */
export type SlaNotify = (notice: SlaNotice) => void | Promise<void>;

/** Metrics hook: one call per recorded event. */
export type SlaEventHook = (kind: 'warn' | 'breach', severity: Severity) => void;

export interface FireOptions {
  store: TicketStore;
  runner: JobRunner;
  calendars: CalendarSet;
  now: () => Date;
  notify: SlaNotify;
  onEvent?: SlaEventHook;
  /** A notice that could not be handed over (its event is recorded and audited either way). @defaultValue logs to stderr */
  onError?: (err: unknown, context: string) => void;
  /** Clock operations for the escalation's clock moves. @defaultValue calendar-only operations */
  sla?: SlaOps;
}

export interface FireResult {
  /** The ticket as stored now; undefined when it no longer exists. */
  ticket: Ticket | undefined;
  notices: SlaNotice[];
  /** The timers the ticket has now. */
  timers: PlannedTimer[];
}

const defaultOnError = (err: unknown, context: string) =>
  console.error(`[helpline] SLA timers: ${context}:`, err);

/** Records whatever is due on the ticket now, notifies, and re-syncs its timers. */
export async function fireDue(options: FireOptions, ticketId: string): Promise<FireResult> {
  const { store, runner, calendars, now } = options;
  const read = await store.get(ticketId);
  if (!read) return { ticket: undefined, notices: [], timers: [] };
  const at = now();
  let ticket = read;
  let recorded: RecordedSlaEvent[] = [];
  if (carriesTimers(read) && evaluateClocks(read.clocks, calendars, at).length > 0) {
    const result = await recordDueEvents(store, ticketId, calendars, at, options.sla);
    if (!result.ticket) return { ticket: undefined, notices: [], timers: [] };
    ticket = result.ticket;
    recorded = result.recorded;
  }
  // Timers first: a notice that fails must not leave the ticket without its next alarm.
  const timers = await syncTimers(runner, ticket, calendars, at);
  const notices = recorded.map((r) => notice(ticket, r));
  for (const n of notices) {
    options.onEvent?.(n.kind === 'sla_warning' ? 'warn' : 'breach', n.clock.severity);
    try {
      await options.notify(n);
    } catch (err) {
      // The event is marked and audited; retrying the job would find nothing due, so report instead.
      (options.onError ?? defaultOnError)(err, `notice ${n.key} for ${ticket.number} was not handed over`);
    }
  }
  return { ticket, notices, timers };
}

function notice(ticket: Ticket, r: RecordedSlaEvent): SlaNotice {
  const stage = r.kind === 'warn' ? 'warn' : 'breach';
  return {
    kind: r.kind === 'warn' ? 'sla_warning' : 'sla_breach',
    ticket,
    clock: r.clock,
    recipient: ticket.assigneeId ?? TRIAGE_RECIPIENT,
    at: r.at,
    key: `sla:${ticket.id}:${r.clock.kind}:${stage}:${r.at}`,
    escalation: r.escalation,
  };
}

/** Waits at least this long before a timer that woke early looks again. */
const MIN_RETRY_MS = 50;

/**
 * The 'sla-fire' job handler. A timer whose stage is still ahead after firing woke early (the clock
 * was paused and resumed meanwhile, or the runner's clock runs ahead of ours): as the running job it
 * cannot re-add its own id, so it retries itself at the new instant.
 */
export function fireHandler(options: FireOptions): JobHandler<SlaTimerData> {
  return async (data) => {
    const result = await fireDue(options, data.ticketId);
    const own = result.timers.find((t) => t.kind === data.kind && t.stage === data.stage);
    if (own?.at) {
      const wait = Math.max(MIN_RETRY_MS, own.at.getTime() - options.now().getTime());
      throw new RetryLater(wait, `SLA ${data.stage} for ${data.kind} is not due yet`);
    }
  };
}
