/**
 * A word → number table kept as one sorted text ("word value\n" lines, code-unit order) and
 * searched by bisection, instead of a Map of 100k entries: loading it is reading one string and
 * finding its line starts (a few ms, and one string in memory instead of 100k), where building the
 * Map from the source lists took ~0.3 s per language at every start.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class WordTable {
  readonly #text: string;
  /** Start of each line in `#text`. */
  readonly #starts: Int32Array;

  private constructor(text: string) {
    this.#text = text;
    let count = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
    this.#starts = new Int32Array(count);
    let line = 0;
    for (let start = 0; line < count; line++) {
      this.#starts[line] = start;
      start = text.indexOf('\n', start) + 1;
    }
  }

  /** From entries in any order (a later duplicate wins). */
  static fromEntries(entries: Iterable<[string, number | string]>): WordTable {
    const map = new Map<string, number | string>();
    for (const [word, value] of entries) if (!/[\s]/.test(word)) map.set(word, value);
    const words = [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return new WordTable(words.map((w) => `${w} ${map.get(w)}\n`).join(''));
  }

  /** The table saved by `save`, or undefined when the file is missing or unreadable. */
  static load(file: string): WordTable | undefined {
    try {
      return new WordTable(readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** Temp file + rename; a read-only cache folder only costs the next process a rebuild. */
  save(file: string): void {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(tmp, this.#text);
      renameSync(tmp, file);
    } catch {
      rmSync(tmp, { force: true });
    }
  }

  get size(): number {
    return this.#starts.length;
  }

  get(word: string): number | undefined {
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const w = this.#word(mid);
      if (w === word) return this.#value(mid);
      if (w < word) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  #word(line: number): string {
    const start = this.#starts[line];
    return this.#text.slice(start, this.#text.indexOf(' ', start));
  }

  #value(line: number): number {
    const start = this.#starts[line];
    return Number(this.#text.slice(this.#text.indexOf(' ', start) + 1, this.#text.indexOf('\n', start)));
  }
}
