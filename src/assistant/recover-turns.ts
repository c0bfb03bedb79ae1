/**
 * Never lose a message (DESIGN §7): an accepted message is in the database before the ack, so a
 * turn whose job vanished (Redis came back empty, a crash before the enqueue finished) is found
 * here — a recent user message with no reply outcome — and submitted again. Job ids are
 * deterministic, so a turn still queued is not doubled.
 */
import type { Database } from '../store/database.ts';
import type { InboundTurn } from './turn-jobs.ts';

export interface RecoverOptions {
  /** Only messages younger than this are recovered. @defaultValue 1 hour */
  maxAgeMs?: number;
  /** Younger messages are left to their own jobs, which are probably still running. @defaultValue 30 s */
  minAgeMs?: number;
  /** @defaultValue 500 */
  limit?: number;
}

export async function findUnanswered(
  db: Database,
  now: Date,
  options: RecoverOptions = {},
): Promise<InboundTurn[]> {
  const rows = await db.query<{
    id: string;
    conversation_id: string;
    text: string;
    user_id: string;
    platform: string;
    created_at: string;
  }>(
    `SELECT m.id, m.conversation_id, m.text, c.user_id, c.platform, m.created_at
       FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.author = 'user' AND c.platform = 'web'
        AND m.created_at > $1 AND m.created_at < $2
        AND NOT EXISTS (SELECT 1 FROM turn_outcomes o WHERE o.message_id = m.id)
      ORDER BY m.created_at, m.seq
      LIMIT $3`,
    [
      new Date(now.getTime() - (options.maxAgeMs ?? 3_600_000)).toISOString(),
      new Date(now.getTime() - (options.minAgeMs ?? 30_000)).toISOString(),
      options.limit ?? 500,
    ],
  );
  return rows.map((r) => ({
    platform: 'web',
    conversationId: r.conversation_id,
    messageId: r.id,
    userId: r.user_id,
    text: r.text,
    channel: r.conversation_id,
    acceptedAt: Date.parse(r.created_at),
  }));
}
