/**
 * The sets that measure triage — the shared dev set and the held-out messages — must not be in the
 * training data, nor close paraphrases of them. Held-out text is never printed: a failure names the
 * training example and the held-out file and line only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/triage/features.ts';
import { loadTrainingData } from '../../src/triage/training-data.ts';
import { DATASETS_DIR, DEV_SET, heldOutFiles } from './dev-set.ts';

/** Han bigrams, words and word bigrams: paraphrases share most of them, different messages few. */
function grams(t: string): Set<string> {
  const n = normalizeText(t);
  const out = new Set<string>();
  for (const run of n.match(/\p{Script=Han}+/gu) ?? [])
    for (let i = 0; i + 1 < run.length; i++) out.add(run.slice(i, i + 2));
  const words = n.match(/[a-z0-9]+/g) ?? [];
  words.forEach((w, i) => {
    out.add(w);
    if (i > 0) out.add(`${words[i - 1]} ${w}`);
  });
  return out;
}

/** Jaccard similarity from which two messages count as near copies. */
const NEAR = 0.6;
/**
 * Messages this short are stock phrases ("转人工", "hi", "早上好呀") that independent writers share
 * by chance; a near copy needs at least this many grams in the shorter message.
 */
const MIN_GRAMS = 4;

const { original, voices } = loadTrainingData();
const train = [...original, ...voices].map((e) => ({ text: e.text, voice: e.voice, g: grams(e.text) }));
/** Which training examples hold each gram: only those are compared with a text. */
const postings = new Map<string, number[]>();
train.forEach((t, i) => {
  for (const g of t.g) {
    const list = postings.get(g);
    if (list) list.push(i);
    else postings.set(g, [i]);
  }
});
const shared = new Int32Array(train.length);

function texts(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

/** The training examples close to each text, as [line, training text, similarity] at or above NEAR. */
function nearCopies(items: string[]): { line: number; text: string; jaccard: number }[] {
  const found: { line: number; text: string; jaccard: number }[] = [];
  items.forEach((item, i) => {
    const gi = grams(item);
    const touched: number[] = [];
    for (const g of gi)
      for (const j of postings.get(g) ?? []) {
        if (shared[j] === 0) touched.push(j);
        shared[j]++;
      }
    for (const j of touched) {
      const inter = shared[j];
      shared[j] = 0;
      const t = train[j];
      if (Math.min(gi.size, t.g.size) < MIN_GRAMS) continue;
      const jaccard = inter / (gi.size + t.g.size - inter || 1);
      if (jaccard >= NEAR) found.push({ line: i + 1, text: `[${t.voice}] ${t.text}`, jaccard });
    }
  });
  return found;
}

describe('training data and evaluation sets', () => {
  it.skipIf(!existsSync(DEV_SET))(
    'the training data holds no message of the dev set, nor a near paraphrase',
    () => {
      const items = texts(DEV_SET);
      const found = nearCopies(items).map((f) => `"${f.text}" ≈ dev item "${items[f.line - 1]}"`);
      expect(found).toEqual([]);
    },
  );

  const held = heldOutFiles();
  it.skipIf(held.length === 0)(
    `the training data holds no held-out message, nor a near paraphrase (${held.length} files under ${DATASETS_DIR})`,
    () => {
      const found = held.flatMap((file) =>
        nearCopies(texts(file)).map(
          (f) =>
            `training example "${f.text}" is ${f.jaccard.toFixed(2)} similar to ${basename(file)} line ${f.line}`,
        ),
      );
      expect(found).toEqual([]);
    },
  );
});
