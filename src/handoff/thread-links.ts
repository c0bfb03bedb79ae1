/**
 * The bridge's memory (DESIGN §2 flow 5): for each ticket, the employee's thread and the triage
 * card's thread (table ticket_threads, migration 004). The relay looks a thread up to find the
 * other side; actions look the ticket up to find the card to update and the employee to tell.
 */
import type { Queryable } from '../store/database.ts';

export type ThreadSide = 'employee' | 'triage';
export type ThreadPlatform = 'web' | 'slack' | 'lark';

/**
 * A triage card's thread before the platform has told us the card's id: the card's key stands in
 * (see postToTriage). Nothing can be posted under it; callers post top-level instead.
 */
export const isPendingThread = (thread: string) => thread.startsWith('card:');

/** `thread` for an outbound message under this link, or nothing while it is pending. */
export const threadOf = (link: Pick<ThreadLink, 'thread'>) =>
  isPendingThread(link.thread) ? {} : { thread: link.thread };

export interface ThreadLink {
  ticketId: string;
  side: ThreadSide;
  platform: ThreadPlatform;
  chat: string;
  thread: string;
  /** Triage: idempotency key of the card's latest version (for `updateOf`). */
  cardKey: string | null;
}

export interface TicketThreads {
  employee?: ThreadLink;
  triage?: ThreadLink;
}

interface Row {
  ticket_id: string;
  side: ThreadSide;
  platform: ThreadPlatform;
  chat: string;
  thread: string;
  card_key: string | null;
}

const COLUMNS = 'ticket_id, side, platform, chat, thread, card_key';

const fromRow = (r: Row): ThreadLink => ({
  ticketId: r.ticket_id,
  side: r.side,
  platform: r.platform,
  chat: r.chat,
  thread: r.thread,
  cardKey: r.card_key,
});

export class ThreadLinks {
  readonly #db: Queryable;
  readonly #now: () => Date;

  constructor(db: Queryable, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  /** Records (or moves) one side of a ticket; `cardKey` omitted keeps the stored one. */
  async link(l: Omit<ThreadLink, 'cardKey'> & { cardKey?: string | null }): Promise<ThreadLink> {
    const rows = await this.#db.query<Row>(
      `INSERT INTO ticket_threads (${COLUMNS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (ticket_id, side) DO UPDATE SET
         platform = EXCLUDED.platform, chat = EXCLUDED.chat, thread = EXCLUDED.thread,
         card_key = CASE WHEN $8 THEN EXCLUDED.card_key ELSE ticket_threads.card_key END,
         updated_at = EXCLUDED.updated_at
       RETURNING ${COLUMNS}`,
      [
        l.ticketId,
        l.side,
        l.platform,
        l.chat,
        l.thread,
        l.cardKey ?? null,
        this.#now().toISOString(),
        l.cardKey !== undefined,
      ],
    );
    return fromRow(rows[0]);
  }

  /** The triage card now has a new version: the next update edits it under this key. */
  async setCardKey(ticketId: string, cardKey: string): Promise<void> {
    await this.#db.query(
      `UPDATE ticket_threads SET card_key = $3, updated_at = $4 WHERE ticket_id = $1 AND side = $2`,
      [ticketId, 'triage', cardKey, this.#now().toISOString()],
    );
  }

  async byTicket(ticketId: string): Promise<TicketThreads> {
    const rows = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM ticket_threads WHERE ticket_id = $1`, [
      ticketId,
    ]);
    const out: TicketThreads = {};
    for (const r of rows) out[r.side] = fromRow(r);
    return out;
  }

  /**
   * The link of this thread; when several tickets were opened from one employee thread, the most
   * recently linked one.
   */
  async byThread(platform: ThreadPlatform, chat: string, thread: string): Promise<ThreadLink | undefined> {
    const rows = await this.#db.query<Row>(
      `SELECT ${COLUMNS} FROM ticket_threads WHERE platform = $1 AND chat = $2 AND thread = $3
       ORDER BY updated_at DESC, side LIMIT 1`,
      [platform, chat, thread],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }
}
