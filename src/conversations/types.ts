/**
 * Conversations: threads and their messages on every channel (the web chat's threads, Slack and
 * Lark threads the bot takes part in), what tickets' transcripts and the web chat API read.
 * `pg-store.ts` keeps them in the database (PGlite or PostgreSQL).
 */
import type { Citation, ReplyButton, TicketRef } from '../assistant/types.ts';
import type { InboundEvent } from '../inbound/ports.ts';

export type MessageAuthor = 'user' | 'bot' | 'agent';

export interface NewMessage {
  /**
   * A deterministic id (a chat platform's message, `lark:om_…`): adding a message whose id is
   * already stored returns the stored one and adds nothing, so a retried job never doubles it.
   * @defaultValue a random id
   */
  id?: string;
  author: MessageAuthor;
  text: string;
  citations?: Citation[];
  ticket?: TicketRef;
  buttons?: ReplyButton[];
  /** The event a user's message came in (kept so an unanswered message can be queued again). */
  inbound?: InboundEvent;
}

export interface StoredMessage extends NewMessage {
  id: string;
  threadId: string;
  /** ISO 8601 time the store accepted the message. */
  createdAt: string;
}

export interface Thread {
  id: string;
  userId: string;
  createdAt: string;
}

export type MessageListener = (message: StoredMessage) => void;

/** An employee's message as the ack stores it, with its thread (made when new). */
export interface InboundMessage {
  threadId: string;
  userId: string;
  platform: string;
  /** Deterministic (the platform's message id), so storing it again changes nothing. */
  id: string;
  text: string;
  inbound: InboundEvent;
}

export interface ConversationStore {
  /** Creates an empty thread owned by `userId`; returns its id (random, URL-safe). */
  createThread(userId: string): Promise<string>;
  /**
   * The thread with this id (a chat platform's thread, `lark:oc_1:om_root`), created for `userId`
   * when it does not exist yet. Idempotent.
   */
  ensureThread(threadId: string, userId: string, platform: string): Promise<Thread>;
  getThread(threadId: string): Promise<Thread | undefined>;
  /** Appends a message; throws HelplineError NOT_FOUND when the thread does not exist. */
  addMessage(threadId: string, message: NewMessage): Promise<StoredMessage>;
  /**
   * The ack's write: the thread made if new and the user's message appended, stored when this
   * resolves. Messages stored at the same moment share one statement (a group commit).
   */
  storeInbound(message: InboundMessage): Promise<void>;
  /** Every message of the thread, oldest first; empty for an unknown thread. */
  listMessages(threadId: string): Promise<StoredMessage[]>;
  /**
   * Calls `listener` for each message added to the thread after this call, in order.
   * Returns the function that stops it. A listener that throws does not affect the writer.
   */
  subscribe(threadId: string, listener: MessageListener): () => void;
}
