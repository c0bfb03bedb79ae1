/**
 * The reply slot of each inbound message: the first writer (the assistant's answer, or the
 * never-silent fallback) wins, across processes; everyone else knows a reply already went out.
 *
 * An answer's slot can only have been taken by an earlier try of the same turn (the turn job is
 * the only one that claims with an answer), which died or failed after claiming — possibly after
 * handing its reply to delivery. That try's retry takes the slot again, so it replies under the
 * same delivery key and the delivery log keeps it to one post, instead of a "late" duplicate.
 * The same holds for a fallback and its own retry (same reason): a watchdog whose delivery failed
 * after it claimed (Redis restarting) sends the fallback when it runs again, instead of nothing.
 */
import type { Database } from '../store/database.ts';

/**
 * How an inbound message was answered: by the assistant (answered, declined, ticketed, greeted), by
 * the never-silent fallback, by relaying it to the engineer who holds its thread, or with a prompt
 * (the payroll form an HR admin asked for).
 */
export type TurnOutcome =
  | 'answered'
  | 'declined'
  | 'ticketed'
  | 'greeted'
  | 'fallback'
  | 'relayed'
  | 'prompted';

export interface ReplySlots {
  /**
   * True when this call took the slot, or re-took an answer's slot with an answer (a retried
   * turn) or a fallback's with a fallback for the same reason (a retried watchdog); false when a
   * fallback holds it for an answer, or anything else holds it for a fallback.
   */
  claim(messageId: string, outcome: TurnOutcome, at: Date, reason?: string): Promise<boolean>;
}

/** In the database (turn_outcomes), shared by every web and worker process. */
export class SqlReplySlots implements ReplySlots {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  async claim(messageId: string, outcome: TurnOutcome, at: Date, reason?: string): Promise<boolean> {
    const rows = await this.#db.query<{ message_id: string }>(
      `INSERT INTO turn_outcomes AS t (message_id, outcome, reason, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (message_id) DO UPDATE SET outcome = t.outcome
         WHERE (t.outcome <> 'fallback' AND $2 <> 'fallback')
            OR (t.outcome = 'fallback' AND $2 = 'fallback' AND t.reason IS NOT DISTINCT FROM $3)
       RETURNING message_id`,
      [messageId, outcome, reason ?? null, at.toISOString()],
    );
    return rows.length === 1;
  }
}
