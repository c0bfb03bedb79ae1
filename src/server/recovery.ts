/**
 * Nothing lost across restarts (DESIGN §2 flow 6, §7): at start, and every period after, the SLA
 * timers are rebuilt from the database (the sweep) and messages that have no reply outcome are
 * queued again (src/inbound/recover.ts). Both are idempotent across processes (deterministic job
 * ids), and with a `lease` (REDIS_URL: many processes) they run in one process at a time: the
 * holder passes at start and every period; another process takes over, with a pass, when it dies.
 * Every process still re-adds the next sweep job (one per time slot, whoever adds it).
 */
import type { Logger } from 'pino';
import type { Lease } from '../cluster/lease.ts';
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
  /** Many processes: only the holder passes. Built with the callback to run on takeover. */
  lease?: (onAcquired: () => Promise<void>) => Lease;
}

/** Runs the first pass now, then every period; resolves to the function that stops it. */
export async function startRecovery(deps: RecoveryDeps): Promise<() => Promise<void>> {
  const { timers, logger } = deps;
  const recover = async () => {
    const count = await recoverUnanswered(deps.db, deps.runner, deps.now(), deps.unanswered);
    if (count > 0) logger.warn({ count }, 'unanswered messages queued again');
  };
  let starting = true;
  const lease = deps.lease?.(async () => {
    if (starting) return;
    logger.info('took over the recovery passes');
    await timers.sweepNow().catch((err) => logger.warn({ err }, 'SLA sweep failed'));
    await recover().catch((err) => logger.warn({ err }, 'unanswered messages not recovered'));
  });
  await timers.scheduleSweep();
  const held = lease ? await lease.start() : true;
  starting = false;
  if (held) {
    await timers.sweepNow();
    await recover().catch((err) => logger.warn({ err }, 'unanswered messages not recovered'));
  }
  const every = setInterval(() => {
    timers.scheduleSweep().catch((err) => logger.warn({ err }, 'SLA sweep not scheduled'));
    if (!lease || lease.held()) {
      recover().catch((err) => logger.warn({ err }, 'unanswered messages not recovered'));
    }
  }, deps.everyMs ?? 60_000);
  every.unref();
  return async () => {
    clearInterval(every);
    await lease?.stop();
  };
}
