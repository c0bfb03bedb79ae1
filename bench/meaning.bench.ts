/**
 * Search by meaning (English questions, the sentence encoder shipped in the install) on a
 * 10k-passage KB, beside the words-only search of the same KB in the same run: what a question
 * costs (encoding it in the worker thread, then scanning every window's vector), what building
 * costs (windows encoded per second), and memory.
 *
 *   npm run bench:meaning                     table
 *   npm run -s bench:meaning -- --json        machine-readable
 *   npm run bench:meaning -- --passages 10000 --queries 200 --encode 200 --seed 42
 *
 * Encoding 10k passages takes minutes (that is the build figure, extrapolated from `--encode`
 * windows), so the scan runs over random unit vectors, one per window of the 10k corpus: its cost
 * does not depend on their values. The questions are the labelled English dev questions and
 * variants of them (lib/synthetic.ts), each encoded for real.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readJsonl } from '../src/eval/jsonl.ts';
import type { KbQuestion } from '../src/eval/retrieval-eval.ts';
import { ingestKb } from '../src/knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.ts';
import { MeaningIndex, windowsOf } from '../src/knowledge/meaning/meaning-index.ts';
import { englishEncoder } from '../src/knowledge/meaning/sentence-encoder.ts';
import { DEFAULT_SYNONYMS } from '../src/knowledge/synonyms.ts';
import { hasCjk } from '../src/knowledge/tokenize.ts';
import { type Latency, latency, memorySettled, peakRssMb } from './lib/measure.ts';
import { SHARED } from './lib/shared-dir.ts';
import { benchQueries, prng, syntheticCorpus } from './lib/synthetic.ts';
import { table } from './lib/table.ts';

const { values: args } = parseArgs({
  options: {
    kb: { type: 'string', default: path.join(SHARED, 'eval-kb') },
    dev: { type: 'string', default: path.join(SHARED, 'eval/kb-questions.dev.jsonl') },
    passages: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '200' },
    encode: { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
    json: { type: 'boolean', default: false },
  },
});
const num = (k: 'passages' | 'queries' | 'encode' | 'seed') => {
  const n = Number(args[k]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${k} must be a positive integer, not "${args[k]}".`);
  return n;
};

const real = (await ingestKb(args.kb as string)).passages;
const corpus = syntheticCorpus(real, num('passages'), num('seed'));
const labelled = readJsonl<KbQuestion>(args.dev as string).filter((q) => q.lang === 'en');
const queries = benchQueries(labelled, real, num('queries') * 3, num('seed') + 1)
  .filter((q) => !hasCjk(q))
  .slice(0, num('queries'));

const windows: { doc: number; text: string }[] = [];
corpus.forEach((p, doc) => {
  if (p.lang === 'en') for (const text of windowsOf(p)) windows.push({ doc, text });
});
const encoder = englishEncoder();
const loadStart = performance.now();
await encoder.encode(['warm up']);
const loadMs = performance.now() - loadStart;

// Build: encode a sample of the windows for real, in the build's batches.
const sample = windows.slice(0, num('encode'));
const encStart = performance.now();
for (let i = 0; i < sample.length; i += 8) await encoder.encode(sample.slice(i, i + 8).map((w) => w.text));
const windowsPerSec = (sample.length / (performance.now() - encStart)) * 1000;

// Search: random unit vectors for every window, real question encoding.
const dim = 512;
const rand = prng(num('seed'));
const vectors = new Float32Array(new SharedArrayBuffer(windows.length * dim * 4));
for (let w = 0; w < windows.length; w++) {
  let norm = 0;
  for (let j = 0; j < dim; j++) {
    const x = rand() - 0.5;
    vectors[w * dim + j] = x;
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  for (let j = 0; j < dim; j++) vectors[w * dim + j] /= norm;
}
// A command encodes every question (only a server or a worker rations them: TURN_SHARE).
const owner = new Int32Array(new SharedArrayBuffer(windows.length * 4));
windows.forEach((w, i) => {
  owner[i] = w.doc;
});
const index = new MeaningIndex(encoder, { vectors, owner, dim });
const kb = new KnowledgeBase(corpus, { synonyms: DEFAULT_SYNONYMS });
for (const q of queries.slice(0, 5)) kb.searchLexical(q, 10);

const words: number[] = [];
const encodeOnly: number[] = [];
const meaning: number[] = [];
for (const q of queries) {
  let t = performance.now();
  kb.searchLexical(q, 10);
  words.push(performance.now() - t);
  t = performance.now();
  await encoder.encode([q]);
  encodeOnly.push(performance.now() - t);
  t = performance.now();
  await index.search(q, 50);
  meaning.push(performance.now() - t);
}
const memory = memorySettled();
const result = {
  corpus: {
    passages: corpus.length,
    english: corpus.filter((p) => p.lang === 'en').length,
    windows: windows.length,
  },
  encoderLoadMs: loadMs,
  build: { sampled: sample.length, windowsPerSec, extrapolatedSec: windows.length / windowsPerSec },
  latency: { words: latency(words), encode: latency(encodeOnly), meaning: latency(meaning) },
  memory: { rssMb: memory.rssMb, peakRssMb: peakRssMb() },
};
if (args.json) console.log(JSON.stringify(result, null, 2));
else {
  const ms = (l: Latency) => [l.p50.toFixed(2), l.p95.toFixed(2), l.max.toFixed(1)];
  console.log(
    [
      `Search by meaning on ${result.corpus.passages} passages (${result.corpus.english} English, ${result.corpus.windows} windows), ${queries.length} English questions`,
      '',
      table(
        ['per question', 'p50 ms', 'p95 ms', 'max ms'],
        [
          ['words only (KnowledgeBase.searchLexical)', ...ms(result.latency.words)],
          ['encode the question (worker thread)', ...ms(result.latency.encode)],
          ['by meaning: encode + scan every window (both in the thread)', ...ms(result.latency.meaning)],
        ],
      ),
      '',
      `Encoder start (thread, model load, first call): ${loadMs.toFixed(0)} ms`,
      `Build: ${windowsPerSec.toFixed(1)} windows/s encoded (${sample.length} sampled) → ~${Math.round(result.build.extrapolatedSec)} s for this KB's ${windows.length} windows, once (cached by window text)`,
      `Memory: RSS ${memory.rssMb.toFixed(0)} MB settled, peak ${result.memory.peakRssMb.toFixed(0)} MB (words index, vectors and the encoder thread)`,
    ].join('\n'),
  );
}
