/**
 * Group commit: writes that arrive while one is in flight are gathered and sent together as the
 * next batch, so a burst costs the database one turn per batch instead of one per write, and a lone
 * write is sent at once (no timer, no added wait). At most one batch is in flight. A batch that
 * fails is written again one item at a time, so one bad write fails alone and not its neighbours.
 */
export class GroupCommit<T, R> {
  readonly #write: (items: T[]) => Promise<R[]>;
  readonly #maxBatch: number;
  #waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  #flying = false;

  /** `write` answers one result per item, in order. @param maxBatch writes per batch at most */
  constructor(write: (items: T[]) => Promise<R[]>, maxBatch = 100) {
    this.#write = write;
    this.#maxBatch = maxBatch;
  }

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      this.#next();
    });
  }

  #next(): void {
    if (this.#flying || this.#waiting.length === 0) return;
    const batch = this.#waiting.splice(0, this.#maxBatch);
    this.#flying = true;
    this.#write(batch.map((w) => w.item))
      .then(
        (results) => {
          for (const [i, w] of batch.entries()) w.resolve(results[i]);
        },
        async (err: unknown) => {
          if (batch.length === 1) return batch[0].reject(err);
          for (const w of batch) {
            await this.#write([w.item]).then(([r]) => w.resolve(r), w.reject);
          }
        },
      )
      .finally(() => {
        this.#flying = false;
        this.#next();
      });
  }
}
