/**
 * Search by meaning for English questions, with the sentence encoder shipped in the install
 * (sentence-encoder.ts): each English passage is cut into windows of a few sentences (the encoder
 * reads about 128 tokens of a text and drops the rest), each window headed by the passage's title
 * and heading, and a passage scores the similarity of its best window to the question.
 *
 * Vectors are cached by window text in the data folder (and, for the sample KB, in the install), so
 * a start or a re-index encodes only windows that are new.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Passage } from '../types.ts';
import type { VectorTable } from './scan.ts';
import type { SentenceEncoder } from './sentence-encoder.ts';

/** Characters of passage text per window, cut at sentence ends. */
const WINDOW_CHARS = 450;
/** Windows per encoder call while building (~1 s), so progress can be told. */
const BUILD_BATCH = 8;

/** The texts a passage is encoded as: its title and heading, then a few sentences of its text. */
export function windowsOf(p: Passage): string[] {
  const head = [p.title, p.heading].filter(Boolean).join('. ');
  const prefix = head ? `${head}. ` : '';
  const out: string[] = [];
  let cur = '';
  for (const s of p.text.split(/(?<=[.!?])\s+|\n+/)) {
    if (!s.trim()) continue;
    if (cur && cur.length + 1 + s.length > WINDOW_CHARS) {
      out.push(prefix + cur);
      cur = '';
    }
    cur = cur ? `${cur} ${s}` : s;
  }
  if (cur || out.length === 0) out.push(prefix + cur);
  return out;
}

export interface MeaningHit {
  doc: number;
  /** Cosine similarity of the passage's best window to the question. */
  score: number;
}

export class MeaningIndex {
  readonly #encoder: SentenceEncoder;
  /** Window vectors (unit rows), each owned by its passage; in shared memory for the encoder's thread. */
  readonly #table: VectorTable;
  /** Windows encoded when this index was built (the rest came from a cache). */
  readonly encoded: number;

  constructor(encoder: SentenceEncoder, table: VectorTable, encoded = 0) {
    this.#encoder = encoder;
    this.#table = table;
    this.encoded = encoded;
  }

  get windows(): number {
    return this.#table.owner.length;
  }

  /**
   * The `n` passages closest in meaning to `query`, best first (a passage scores its best window);
   * undefined when the encoder would make the question wait (another question, or the KB's vectors
   * being prepared) or has spent its share on questions (sentence-encoder.ts): an answer by the
   * words alone now beats one that waits in line.
   */
  async search(query: string, n: number): Promise<MeaningHit[] | undefined> {
    const hits = await this.#encoder.nearest(query, this.#table, n);
    return hits?.map((h) => ({ doc: h.owner, score: h.score }));
  }
}

export interface BuildMeaningOptions {
  /** The data folder's vector cache for this KB. */
  cacheFile: string;
  /** A second cache shared by data folders (the sample KB's, in the install); read, and written when new. */
  installFile?: string;
  onProgress?: (done: number, total: number, what: string) => void;
}

type VectorCache = { model: string; vectors: Record<string, string> };

/** Encodes the English passages' windows (those not cached) and returns their index; undefined when none is English. */
export async function buildMeaningIndex(
  passages: Passage[],
  encoder: SentenceEncoder,
  options: BuildMeaningOptions,
): Promise<MeaningIndex | undefined> {
  const windows: { doc: number; text: string; key: string }[] = [];
  passages.forEach((p, doc) => {
    if (p.lang !== 'en') return;
    for (const text of windowsOf(p)) windows.push({ doc, text, key: keyOf(text) });
  });
  if (windows.length === 0) return undefined;
  // The model loads in its thread while the cache is read (a one-shot command's first question).
  encoder.warm?.();
  const cache = readCache(options.cacheFile, encoder.model);
  const installed = options.installFile ? readCache(options.installFile, encoder.model) : undefined;
  const vectorOf = new Map<string, Float32Array>();
  for (const w of windows) {
    const hit = cache.vectors[w.key] ?? installed?.vectors[w.key];
    const v = hit === undefined ? undefined : decode(hit);
    // A damaged cache entry is encoded again.
    if (v?.length === encoder.dim) vectorOf.set(w.key, v);
  }
  const missing = [...new Map(windows.filter((w) => !vectorOf.has(w.key)).map((w) => [w.key, w.text]))];
  for (let i = 0; i < missing.length; i += BUILD_BATCH) {
    options.onProgress?.(i, missing.length, 'meaning vectors (English passages)');
    const batch = missing.slice(i, i + BUILD_BATCH);
    const vectors = await encoder.encode(batch.map(([, text]) => text));
    batch.forEach(([key], j) => {
      vectorOf.set(key, vectors[j]);
    });
  }
  if (missing.length)
    options.onProgress?.(missing.length, missing.length, 'meaning vectors (English passages)');

  const dim = encoder.dim;
  const matrix = new Float32Array(new SharedArrayBuffer(windows.length * dim * 4));
  windows.forEach((w, i) => {
    matrix.set(vectorOf.get(w.key) as Float32Array, i * dim);
  });
  const kept: VectorCache = { model: encoder.model, vectors: {} };
  for (const w of windows) kept.vectors[w.key] = encode(vectorOf.get(w.key) as Float32Array);
  const changed =
    missing.length > 0 || Object.keys(cache.vectors).length !== Object.keys(kept.vectors).length;
  if (changed) writeCache(options.cacheFile, kept);
  if (options.installFile && windows.some((w) => !installed?.vectors[w.key]))
    writeCache(options.installFile, kept);
  const owner = new Int32Array(new SharedArrayBuffer(windows.length * 4));
  windows.forEach((w, i) => {
    owner[i] = w.doc;
  });
  return new MeaningIndex(encoder, { vectors: matrix, owner, dim }, missing.length);
}

const keyOf = (text: string) => createHash('sha1').update(text).digest('base64url');
const encode = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
const decode = (s: unknown) => {
  const b = Buffer.from(typeof s === 'string' ? s : '', 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength - (b.byteLength % 4)));
};

function readCache(file: string, model: string): VectorCache {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as VectorCache;
    return c.model === model && c.vectors ? c : { model, vectors: {} };
  } catch {
    return { model, vectors: {} };
  }
}

function writeCache(file: string, cache: VectorCache): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(cache));
    renameSync(tmp, file);
  } catch {
    // A read-only folder only costs the next start the encoding again.
  }
}
