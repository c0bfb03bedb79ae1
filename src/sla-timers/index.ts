/**
 * SLA timers (DESIGN §2 flow 6): warn at 75%, breach at 100% (mark, escalate one tier, notify),
 * driven by delayed jobs with deterministic ids and a periodic sweep that rebuilds them from the
 * database. Wiring:
 *
 *   const timers = createSlaTimers({ runner, tickets, calendars, notify, sla });
 *   timers.register();                                        // before runner.start()
 *   tickets.onChange(({ ticket }) => timers.afterChange(ticket)); // every change re-syncs its timers
 *   await runner.start(); await timers.scheduleSweep(); await timers.sweepNow();
 */
import type { JobRunner } from '../jobs/types.ts';
import type { CalendarSet } from '../sla/types.ts';
import type { SlaOps } from '../tickets/sla-sync.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { Ticket } from '../tickets/types.ts';
import {
  type FireOptions,
  type FireResult,
  fireDue,
  fireHandler,
  type SlaEventHook,
  type SlaNotify,
} from './fire.ts';
import { type PlannedTimer, SLA_FIRE, SLA_QUEUE, type SlaTimerData, syncTimers } from './schedule.ts';
import {
  SLA_SWEEP,
  SWEEP_QUEUE,
  type SweepJobData,
  type SweepResult,
  scheduleSweep,
  sweep,
  sweepHandler,
} from './sweep.ts';

export type { FireResult, SlaEventHook, SlaNotice, SlaNotify } from './fire.ts';
export { TRIAGE_RECIPIENT } from './fire.ts';
export type { PlannedTimer, SlaTimerData, TimerStage } from './schedule.ts';
export { planTimers, SLA_FIRE, SLA_QUEUE, syncTimers, timerId } from './schedule.ts';
export type { SweepResult } from './sweep.ts';
export { SLA_SWEEP, sweep } from './sweep.ts';

export interface SlaTimersOptions {
  runner: JobRunner;
  tickets: TicketService;
  /** The calendars the clocks count on (withBuiltinCalendars(config.calendars)). */
  calendars: CalendarSet;
  /** @defaultValue () => new Date() */
  now?: () => Date;
  /** Delivers warnings and breaches; the lead wires it to the outbound queue. */
  notify: SlaNotify;
  /** Metrics hook, one call per recorded warning or breach. */
  onEvent?: SlaEventHook;
  /** Errors that do not fail a job: a notice not handed over, a ticket the sweep could not handle. @defaultValue logs to stderr */
  onError?: (err: unknown, context: string) => void;
  /** The SlaOps given to the ticket service. @defaultValue calendar-only operations (enough for an escalation) */
  sla?: SlaOps;
  /** Sweep period. @defaultValue 60_000 */
  sweepEveryMs?: number;
}

export interface SlaTimers {
  /** Registers the 'sla-fire' (queue 'sla') and 'sla-sweep' (queue 'maintenance') handlers. */
  register(): void;
  /** Re-syncs the ticket's timers; call after every change to a ticket. */
  afterChange(ticket: Ticket): Promise<PlannedTimer[]>;
  /** Sweeps now: records overdue events, re-adds every timer. */
  sweepNow(): Promise<SweepResult>;
  /** Adds the next periodic sweep job (idempotent across processes). */
  scheduleSweep(): Promise<{ id: string; slot: number }>;
  /** Records what is due on one ticket now and re-syncs its timers (what a timer does). */
  fire(ticketId: string): Promise<FireResult>;
}

export function createSlaTimers(options: SlaTimersOptions): SlaTimers {
  const { runner, tickets, calendars } = options;
  const now = options.now ?? (() => new Date());
  const everyMs = options.sweepEveryMs ?? 60_000;
  const fireOptions: FireOptions = {
    store: tickets.store,
    runner,
    calendars,
    now,
    notify: options.notify,
    onEvent: options.onEvent,
    onError: options.onError,
    sla: options.sla,
  };
  const fire = (ticketId: string) => fireDue(fireOptions, ticketId);
  const sweepNow = () =>
    sweep({ tickets: tickets.store, runner, calendars, now, fire, onError: options.onError });
  return {
    register() {
      runner.register<SlaTimerData>(SLA_QUEUE, SLA_FIRE, fireHandler(fireOptions));
      runner.register<SweepJobData>(SWEEP_QUEUE, SLA_SWEEP, sweepHandler(runner, sweepNow, now));
    },
    afterChange: (ticket) => syncTimers(runner, ticket, calendars, now()),
    sweepNow,
    scheduleSweep: () => scheduleSweep(runner, everyMs, now()),
    fire,
  };
}
