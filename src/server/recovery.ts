/**
 * Nothing lost across restarts (DESIGN §2 flow 6, §7): at start, and every period after, the SLA
 * timers are rebuilt from the database (the sweep) and messages that have no reply outcome are
 * queued again (src/inbound/recover.ts). Both are idempotent across processes: deterministic job ids
 * make a second process's pass a no-op while the first one's jobs are queued.
 */
import type { Logger } from 'pino';
import { type RecoverOptions, recoverUnanswered } from '../inbound/recover.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { SlaTimers } from '../sla-timers/index.ts';
import type { Database } from '../store/database.ts';

export interface RecoveryOptions {
  /**
   * How often. Workers re-add the next SLA sweep this often, so a Redis that comes back without its
   * data (no persistence, a failover) has every timer again within two periods. @defaultValue 60000
   */
  everyMs?: number;
  /** Which unanswered messages are queued again. */
  unanswered?: RecoverOptions;
}

export interface RecoveryDeps extends RecoveryOptions {
  db: Database;
  runner: JobRunner;
  timers: SlaTimers;
  logger: Logger;
  now: () => Date;
}

/** Runs the first pass now, then every period; resolves to the function that stops it. */
export async function startRecovery(deps: RecoveryDeps): Promise<() => void> {
  const { timers, logger } = deps;
  const recover = async () => {
    const count = await recoverUnanswered(deps.db, deps.runner, deps.now(), deps.unanswered);
    if (count > 0) logger.warn({ count }, 'unanswered messages queued again');
  };
  await timers.scheduleSweep();
  await timers.sweepNow();
  await recover().catch((err) => logger.warn({ err }, 'unanswered messages not recovered'));
  const every = setInterval(() => {
    timers.scheduleSweep().catch((err) => logger.warn({ err }, 'SLA sweep not scheduled'));
    recover().catch((err) => logger.warn({ err }, 'unanswered messages not recovered'));
  }, deps.everyMs ?? 60_000);
  every.unref();
  return () => clearInterval(every);
}
