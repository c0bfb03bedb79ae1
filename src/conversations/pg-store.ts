/**
 * ConversationStore over the Database seam (PGlite or PostgreSQL), tables `conversations` and
 * `messages`. Subscribers are notified after the message is committed: at once in this process,
 * and through the `feed` (message-feed.ts: PostgreSQL LISTEN/NOTIFY) when another process stored it.
 * After the feed reconnects, a watched thread's messages are replayed: listeners drop ids they have.
 */
import { randomUUID } from 'node:crypto';
import { HelplineError } from '../errors.ts';
import { type Database, jsonParam } from '../store/database.ts';
import { GroupCommit } from './group-commit.ts';
import type { MessageFeed } from './message-feed.ts';
import { ThreadListeners } from './thread-listeners.ts';
import type {
  ConversationStore,
  InboundMessage,
  MessageListener,
  NewMessage,
  StoredMessage,
  Thread,
} from './types.ts';

export interface PgConversationStoreOptions {
  db: Database;
  /** Clock for `createdAt`. @defaultValue () => new Date() */
  now?: () => Date;
  /** Platform recorded on threads this store creates. @defaultValue 'web' */
  platform?: string;
  /** Called when a subscriber throws; the message is stored regardless. */
  onListenerError?: (err: unknown, message: StoredMessage) => void;
  /** Messages stored by other processes (PostgreSQL). @defaultValue none: this process only */
  feed?: MessageFeed;
  /** The feed failed to read a remote message; live updates may lag until a reconnect. */
  onFeedError?: (err: unknown) => void;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  author: StoredMessage['author'];
  text: string;
  citations: StoredMessage['citations'] | null;
  ticket: StoredMessage['ticket'] | null;
  buttons: StoredMessage['buttons'] | null;
  created_at: string;
}

/** Threads remembered (oldest forgotten first): ~100 bytes each. */
const THREADS_KEPT = 10_000;

const MESSAGE_COLUMNS = 'id, conversation_id, author, text, citations, ticket, buttons, created_at';

/**
 * The threads made if new and the messages appended, in one statement for a whole batch (the thread
 * rows are inserted in a CTE; the messages' foreign key is checked at the end of the statement, so
 * it sees them). A message id stored already is left as it is.
 */
const STORE_INBOUND = `
WITH input AS (
  SELECT v->>'id' AS id, v->>'threadId' AS conversation_id, v->>'userId' AS user_id,
         v->>'platform' AS platform, v->>'text' AS text, v->'inbound' AS inbound,
         (v->>'at')::timestamptz AS created_at, ord
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, ord)
), threads AS (
  INSERT INTO conversations (id, platform, user_id, created_at)
  SELECT DISTINCT ON (conversation_id) conversation_id, platform, user_id, created_at
  FROM input ORDER BY conversation_id, ord
  ON CONFLICT (id) DO NOTHING
), stored AS (
  INSERT INTO messages (id, conversation_id, author, text, inbound, created_at)
  SELECT id, conversation_id, 'user', text, inbound, created_at FROM input ORDER BY ord
  ON CONFLICT (id) DO NOTHING
  RETURNING ${MESSAGE_COLUMNS}
)`;

/**
 * A message appended to an existing thread (INSERT … SELECT: no row when the thread does not exist,
 * without parsing a foreign-key error); a message id stored already is left as it is.
 */
const ADD_MESSAGE = `
WITH stored AS (
  INSERT INTO messages (id, conversation_id, author, text, citations, ticket_id, ticket, buttons, inbound, created_at)
  SELECT $1, c.id, $3, $4, $5::jsonb, $6, $7::jsonb, $8::jsonb, $10::jsonb, $9 FROM conversations c WHERE c.id = $2
  ON CONFLICT (id) DO NOTHING
  RETURNING ${MESSAGE_COLUMNS}
)`;

export class PgConversationStore implements ConversationStore {
  readonly #db: Database;
  readonly #now: () => Date;
  readonly #platform: string;
  #listeners: ThreadListeners;
  /**
   * Threads read, by id: a thread's owner and creation time never change (rows are never updated
   * or deleted), so every chat request after the first checks its owner without the database.
   */
  #threads = new Map<string, Thread>();
  readonly #feed?: MessageFeed;
  readonly #onFeedError: (err: unknown) => void;
  readonly #inbound = new GroupCommit<InboundMessage & { at: string }, void>(async (batch) => {
    const rows = await this.#db.query<MessageRow>(...this.#announced(STORE_INBOUND, [JSON.stringify(batch)]));
    for (const row of rows) {
      const stored = toMessage(row);
      this.#listeners.notify(stored.threadId, stored);
    }
    return batch.map(() => undefined);
  });

  constructor(options: PgConversationStoreOptions) {
    this.#db = options.db;
    this.#now = options.now ?? (() => new Date());
    this.#platform = options.platform ?? 'web';
    this.#listeners = new ThreadListeners(options.onListenerError);
    this.#feed = options.feed;
    this.#onFeedError = options.onFeedError ?? (() => {});
  }

  /**
   * The same store over another handle on the same database (the ack path's urgent view), sharing
   * this store's subscribers, so a message written through either reaches every live stream.
   */
  over(db: Database): PgConversationStore {
    const twin = new PgConversationStore({
      db,
      now: this.#now,
      platform: this.#platform,
      feed: this.#feed,
      onFeedError: this.#onFeedError,
    });
    twin.#listeners = this.#listeners;
    twin.#threads = this.#threads;
    return twin;
  }

  async createThread(userId: string): Promise<string> {
    const id = randomUUID();
    const createdAt = this.#now().toISOString();
    await this.#db.query(
      'INSERT INTO conversations (id, platform, user_id, created_at) VALUES ($1, $2, $3, $4)',
      [id, this.#platform, userId, createdAt],
    );
    this.#remember({ id, userId, createdAt });
    return id;
  }

  async ensureThread(threadId: string, userId: string, platform: string): Promise<Thread> {
    await this.#db.query(
      `INSERT INTO conversations (id, platform, user_id, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING`,
      [threadId, platform, userId, this.#now().toISOString()],
    );
    return (await this.getThread(threadId))!;
  }

  storeInbound(message: InboundMessage): Promise<void> {
    return this.#inbound.add({ ...message, at: this.#now().toISOString() });
  }

  async getThread(threadId: string): Promise<Thread | undefined> {
    const known = this.#threads.get(threadId);
    if (known) return { ...known };
    const rows = await this.#db.query<{ id: string; user_id: string; created_at: string }>(
      'SELECT id, user_id, created_at FROM conversations WHERE id = $1',
      [threadId],
    );
    if (!rows[0]) return undefined;
    const thread = { id: rows[0].id, userId: rows[0].user_id, createdAt: rows[0].created_at };
    this.#remember(thread);
    return { ...thread };
  }

  #remember(thread: Thread): void {
    if (this.#threads.size >= THREADS_KEPT) this.#threads.delete(this.#threads.keys().next().value as string);
    this.#threads.set(thread.id, thread);
  }

  async addMessage(threadId: string, message: NewMessage): Promise<StoredMessage> {
    const rows = await this.#db.query<MessageRow>(
      ...this.#announced(ADD_MESSAGE, [
        message.id ?? randomUUID(),
        threadId,
        message.author,
        message.text,
        jsonParam(message.citations),
        message.ticket?.id ?? null,
        jsonParam(message.ticket),
        jsonParam(message.buttons),
        this.#now().toISOString(),
        jsonParam(message.inbound),
      ]),
    );
    if (!rows[0]) {
      // Either the thread does not exist, or a message with this id was stored already.
      const known =
        message.id === undefined
          ? []
          : await this.#db.query<MessageRow>(
              `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND conversation_id = $2`,
              [message.id, threadId],
            );
      if (known[0]) return toMessage(known[0]);
      throw new HelplineError('NOT_FOUND', `Thread ${threadId} does not exist; create it first.`);
    }
    const stored = toMessage(rows[0]);
    this.#listeners.notify(threadId, stored);
    return stored;
  }

  /**
   * A `WITH … stored AS (INSERT … RETURNING)` statement finished with the rows it stored, and with a
   * feed, each row's notice to the other processes queued in the same statement.
   */
  #announced(withStored: string, params: unknown[]): [string, unknown[]] {
    if (!this.#feed) return [`${withStored} SELECT * FROM stored`, params];
    const origin = `$${params.length + 1}`;
    return [
      `${withStored} SELECT stored.*, ${this.#feed.notice('stored', origin)} AS announced FROM stored`,
      [...params, this.#feed.origin],
    ];
  }

  async listMessages(threadId: string): Promise<StoredMessage[]> {
    const rows = await this.#db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY created_at, seq`,
      [threadId],
    );
    return rows.map(toMessage);
  }

  subscribe(threadId: string, listener: MessageListener): () => void {
    // Listening starts with the first subscriber: worker processes never hold the connection.
    this.#feed?.listen({
      onRemote: (thread, messageId) => void this.#remote(thread, messageId),
      onResync: () => void this.#resync(),
      onError: this.#onFeedError,
    });
    return this.#listeners.subscribe(threadId, listener);
  }

  async #remote(threadId: string, messageId: string): Promise<void> {
    if (!this.#listeners.has(threadId)) return;
    try {
      const rows = await this.#db.query<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND conversation_id = $2`,
        [messageId, threadId],
      );
      if (rows[0]) this.#listeners.notify(threadId, toMessage(rows[0]));
    } catch (err) {
      this.#onFeedError(err);
    }
  }

  async #resync(): Promise<void> {
    for (const threadId of this.#listeners.threads()) {
      try {
        for (const m of await this.listMessages(threadId)) this.#listeners.notify(threadId, m);
      } catch (err) {
        this.#onFeedError(err);
      }
    }
  }
}

/** Absent fields stay absent (not null), as in the memory store. */
function toMessage(row: MessageRow): StoredMessage {
  const message: StoredMessage = {
    id: row.id,
    threadId: row.conversation_id,
    author: row.author,
    text: row.text,
    createdAt: row.created_at,
  };
  if (row.citations !== null) message.citations = row.citations;
  if (row.ticket !== null) message.ticket = row.ticket;
  if (row.buttons !== null) message.buttons = row.buttons;
  return message;
}
