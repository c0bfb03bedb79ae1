/** In-process subscribers per thread, shared by the conversation stores (SSE streams use them). */
import type { MessageListener, StoredMessage } from './types.ts';

export class ThreadListeners {
  readonly #byThread = new Map<string, Set<MessageListener>>();
  readonly #onError: (err: unknown, message: StoredMessage) => void;

  constructor(onError: (err: unknown, message: StoredMessage) => void = () => {}) {
    this.#onError = onError;
  }

  subscribe(threadId: string, listener: MessageListener): () => void {
    let set = this.#byThread.get(threadId);
    if (!set) {
      set = new Set();
      this.#byThread.set(threadId, set);
    }
    // Wrap so subscribing the same function twice yields two independent subscriptions.
    const entry: MessageListener = (m) => listener(m);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.#byThread.get(threadId) === set) this.#byThread.delete(threadId);
    };
  }

  /** The threads someone listens to now. */
  threads(): string[] {
    return [...this.#byThread.keys()];
  }

  has(threadId: string): boolean {
    return this.#byThread.has(threadId);
  }

  /** Each listener gets its own copy; one that throws does not stop the others. */
  notify(threadId: string, message: StoredMessage): void {
    for (const listener of [...(this.#byThread.get(threadId) ?? [])]) {
      try {
        listener(structuredClone(message));
      } catch (err) {
        this.#onError(err, message);
      }
    }
  }
}
