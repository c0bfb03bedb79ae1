/**
 * Live messages across processes (issue 15 item 2): with several `helpline serve` processes on one
 * PostgreSQL, a reply stored by a worker anywhere reaches the SSE streams open on every process.
 *
 * PostgreSQL LISTEN/NOTIFY rather than Redis pub/sub: the messages live in PostgreSQL, so the
 * notice travels with the data it announces (sent once the INSERT committed, read back from the
 * same database), it works with DATABASE_URL alone, and a Redis restart — which the fault tests do
 * on purpose — does not cut live updates. Only ids travel (a NOTIFY payload is limited to 8000
 * bytes); the receiving process reads the message itself, and only for threads it has listeners on.
 *
 * Delivery is at most once per connection: while the listening connection is being replaced,
 * notices are lost, so after every (re)connection the store replays each watched thread's messages
 * (listeners drop ids they already have; the SSE route does).
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../store/database.ts';
import type { PostgresDatabase } from '../store/postgres.ts';

export const MESSAGES_CHANNEL = 'helpline_messages';

export interface FeedHandlers {
  /** A message another process stored in this schema. */
  onRemote(threadId: string, messageId: string): void;
  /** The feed (re)connected: notices may have been missed, catch up. */
  onResync(): void;
  onError?(err: unknown): void;
}

export interface MessageFeed {
  /** Tells the other processes that a message was stored (call after it committed). */
  publish(threadId: string, messageId: string): Promise<void>;
  /** Starts listening (idempotent); the store calls it at the first subscription. */
  listen(handlers: FeedHandlers): void;
  close(): Promise<void>;
}

interface Notice {
  /** Schema: several schemas (tests) may share one database and its channels. */
  s: string;
  t: string;
  m: string;
  /** Publishing process, which already told its own listeners. */
  o: string;
}

/** The feed over PostgreSQL (the embedded database has one process: it needs none). */
export function pgMessageFeed(db: PostgresDatabase): MessageFeed {
  const origin = randomUUID();
  let schema: Promise<string> | undefined;
  let stop: (() => Promise<void>) | undefined;
  const currentSchema = (q: Database) =>
    (schema ??= q
      .query<{ s: string }>('SELECT current_schema() AS s')
      .then((rows) => rows[0]?.s ?? 'public')
      .catch((err) => {
        schema = undefined;
        throw err;
      }));
  return {
    async publish(threadId, messageId) {
      const notice: Notice = { s: await currentSchema(db), t: threadId, m: messageId, o: origin };
      await db.query('SELECT pg_notify($1, $2)', [MESSAGES_CHANNEL, JSON.stringify(notice)]);
    },
    listen(handlers) {
      if (stop) return;
      stop = db.listen(MESSAGES_CHANNEL, {
        onNotification: (payload) => {
          let notice: Notice;
          try {
            notice = JSON.parse(payload) as Notice;
          } catch {
            return;
          }
          if (notice.o === origin) return;
          void currentSchema(db).then(
            (s) => {
              if (notice.s === s) handlers.onRemote(notice.t, notice.m);
            },
            (err) => handlers.onError?.(err),
          );
        },
        onListening: () => handlers.onResync(),
        onError: (err) => handlers.onError?.(err),
      });
    },
    async close() {
      await stop?.();
    },
  };
}
