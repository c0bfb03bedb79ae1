/** A bounded, newest-first list of dead letters kept in memory (the in-process runner's store). */
import type { DeadLetter, QueueName } from './types.ts';

export class DeadLetterList {
  readonly #max: number;
  #letters: DeadLetter[] = [];

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`maxDeadLetters must be a positive integer, got ${max}`);
    this.#max = max;
  }

  push(letter: DeadLetter): void {
    this.#letters.unshift(letter);
    if (this.#letters.length > this.#max) this.#letters.length = this.#max;
  }

  list(limit = this.#max): DeadLetter[] {
    return this.#letters.slice(0, Math.max(0, limit));
  }

  count(queue: QueueName): number {
    return this.#letters.filter((letter) => letter.queue === queue).length;
  }
}
