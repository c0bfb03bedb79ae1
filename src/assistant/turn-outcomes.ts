/**
 * The reply slot of each inbound message: the first writer (the assistant's answer, or the
 * never-silent fallback) wins, across processes; everyone else knows a reply already went out.
 */
import type { Database } from '../store/database.ts';

export type TurnOutcome = 'answered' | 'declined' | 'ticketed' | 'greeted' | 'fallback';

export interface ReplySlots {
  /** True when this call took the slot; false when a retry or the watchdog already had it. */
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
      `INSERT INTO turn_outcomes (message_id, outcome, reason, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [messageId, outcome, reason ?? null, at.toISOString()],
    );
    return rows.length === 1;
  }
}

/** One process only: for tests and tools that run without a database. */
export class MemoryReplySlots implements ReplySlots {
  readonly #taken = new Map<string, TurnOutcome>();
  async claim(messageId: string, outcome: TurnOutcome): Promise<boolean> {
    if (this.#taken.has(messageId)) return false;
    this.#taken.set(messageId, outcome);
    return true;
  }
}
