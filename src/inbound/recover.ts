/**
 * Never lose a message (DESIGN §7): a message addressed to the bot is stored with its event before
 * the ack, so one whose job vanished (Redis came back empty, a job dead-lettered before it could
 * answer) is found here — a recent user message with no reply outcome, on any channel, or whose
 * answer took the reply slot but never reached delivery (the job died between the two, so the
 * watchdog stood down) — and its event queued again under the same job id (a job still queued is
 * not doubled; the retried turn re-takes the slot and replies under the same delivery key).
 */
import type { JobRunner } from '../jobs/types.ts';
import type { Database } from '../store/database.ts';
import { type EventJobOptions, enqueueEvent, type QueuedEvent } from './event-job.ts';
import type { InboundEvent } from './ports.ts';

export interface RecoverOptions {
  /** Only messages younger than this are recovered. @defaultValue 1 hour */
  maxAgeMs?: number;
  /** Younger messages are left to their own jobs, which are probably still running. @defaultValue 30 s */
  minAgeMs?: number;
  /** @defaultValue 500 */
  limit?: number;
}

/** Events of recent user messages that have no reply outcome, oldest first. */
export async function findUnanswered(
  db: Database,
  now: Date,
  options: RecoverOptions = {},
): Promise<QueuedEvent[]> {
  const rows = await db.query<{ inbound: InboundEvent; created_at: string }>(
    `SELECT m.inbound, m.created_at
       FROM messages m
      WHERE m.author = 'user' AND m.inbound IS NOT NULL
        AND m.created_at > $1 AND m.created_at < $2
        AND NOT EXISTS (
              SELECT 1 FROM turn_outcomes o
               WHERE o.message_id = m.id
                 AND (o.outcome NOT IN ('answered', 'declined', 'ticketed', 'greeted')
                      OR o.at >= $2
                      OR EXISTS (SELECT 1 FROM deliveries d
                                  WHERE d.key IN ('reply:' || m.id, 'reply:' || m.id || ':late'))))
      ORDER BY m.created_at, m.seq
      LIMIT $3`,
    [
      new Date(now.getTime() - (options.maxAgeMs ?? 3_600_000)).toISOString(),
      new Date(now.getTime() - (options.minAgeMs ?? 30_000)).toISOString(),
      options.limit ?? 500,
    ],
  );
  return rows.map((r) => ({ event: r.inbound, acceptedAt: Date.parse(r.created_at) }));
}

/** Queues the unanswered messages' events again; resolves to how many. */
export async function recoverUnanswered(
  db: Database,
  runner: Pick<JobRunner, 'add'>,
  now: Date,
  options?: RecoverOptions & EventJobOptions,
): Promise<number> {
  const lost = await findUnanswered(db, now, options);
  for (const queued of lost) await enqueueEvent(runner, queued, options);
  return lost.length;
}
