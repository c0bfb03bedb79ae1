/** 👍 / 👎 on answers: one vote per person per answer (a repeated click updates it). */
import type { Database } from '../store/database.ts';

export interface AnswerFeedback {
  messageId: string;
  threadId: string;
  userId: string;
  helpful: boolean;
  at: Date;
}

export async function recordFeedback(db: Database, f: AnswerFeedback): Promise<void> {
  await db.query(
    `INSERT INTO feedback (message_id, thread_id, user_id, helpful, at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (message_id, user_id) WHERE message_id IS NOT NULL DO UPDATE SET helpful = EXCLUDED.helpful, at = EXCLUDED.at`,
    [f.messageId, f.threadId, f.userId, f.helpful, f.at.toISOString()],
  );
}
