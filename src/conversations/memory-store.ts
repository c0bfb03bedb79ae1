/** Embedded ConversationStore: everything in process memory, lost on restart. */
import { randomUUID } from 'node:crypto';
import { HelplineError } from '../errors.ts';
import { ThreadListeners } from './thread-listeners.ts';
import type { ConversationStore, MessageListener, NewMessage, StoredMessage, Thread } from './types.ts';

export interface MemoryConversationStoreOptions {
  /** Clock for `createdAt`. @defaultValue () => new Date() */
  now?: () => Date;
  /** Called when a subscriber throws; the message is stored regardless. */
  onListenerError?: (err: unknown, message: StoredMessage) => void;
}

export class MemoryConversationStore implements ConversationStore {
  readonly #threads = new Map<string, Thread>();
  readonly #messages = new Map<string, StoredMessage[]>();
  readonly #listeners: ThreadListeners;
  readonly #now: () => Date;

  constructor(options: MemoryConversationStoreOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#listeners = new ThreadListeners(options.onListenerError);
  }

  async createThread(userId: string): Promise<string> {
    const id = randomUUID();
    this.#threads.set(id, { id, userId, createdAt: this.#now().toISOString() });
    this.#messages.set(id, []);
    return id;
  }

  async ensureThread(threadId: string, userId: string, _platform: string): Promise<Thread> {
    let thread = this.#threads.get(threadId);
    if (!thread) {
      thread = { id: threadId, userId, createdAt: this.#now().toISOString() };
      this.#threads.set(threadId, thread);
      this.#messages.set(threadId, []);
    }
    return { ...thread };
  }

  async getThread(threadId: string): Promise<Thread | undefined> {
    const thread = this.#threads.get(threadId);
    return thread && { ...thread };
  }

  async addMessage(threadId: string, message: NewMessage): Promise<StoredMessage> {
    const messages = this.#messages.get(threadId);
    if (!messages) {
      throw new HelplineError('NOT_FOUND', `Thread ${threadId} does not exist; create it first.`);
    }
    const known = message.id === undefined ? undefined : messages.find((m) => m.id === message.id);
    if (known) return structuredClone(known);
    const stored: StoredMessage = structuredClone({
      ...dropUndefined(message),
      id: message.id ?? randomUUID(),
      threadId,
      createdAt: this.#now().toISOString(),
    });
    messages.push(stored);
    this.#listeners.notify(threadId, stored);
    return structuredClone(stored);
  }

  async listMessages(threadId: string): Promise<StoredMessage[]> {
    return structuredClone(this.#messages.get(threadId) ?? []);
  }

  subscribe(threadId: string, listener: MessageListener): () => void {
    return this.#listeners.subscribe(threadId, listener);
  }
}

function dropUndefined(message: NewMessage): NewMessage {
  const out: NewMessage = { author: message.author, text: message.text };
  if (message.citations !== undefined) out.citations = message.citations;
  if (message.ticket !== undefined) out.ticket = message.ticket;
  if (message.buttons !== undefined) out.buttons = message.buttons;
  return out;
}
