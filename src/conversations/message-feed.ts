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
 * The notice is queued by the statement that stores the message (`pg_notify` in its SELECT list),
 * so PostgreSQL sends it when, and only when, that statement commits: a worker killed between its
 * INSERT and a separate NOTIFY used to leave the other processes' streams without the reply (the
 * multi-process fault test caught one). Delivery is at most once per connection: while the
 * listening connection is being replaced, notices are lost, so after every (re)connection the store
 * replays each watched thread's messages (listeners drop ids they already have; the SSE route does).
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
  /** This process: it told its own listeners already, and skips its own notices. */
  readonly origin: string;
  /**
   * The SELECT-list expression that queues the notice for one stored row of `messages`, named `row`
   * in the statement; `originParam` is the placeholder bound to `origin` (e.g. `$11`).
   */
  notice(row: string, originParam: string): string;
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
    origin,
    notice: (row, originParam) =>
      `pg_notify('${MESSAGES_CHANNEL}', json_build_object('s', current_schema(), 't', ${row}.conversation_id, 'm', ${row}.id, 'o', ${originParam}::text)::text)`,
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
