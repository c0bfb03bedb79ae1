/**
 * Small hand-written text classifiers over sparse binary features: multinomial logistic regression
 * trained with seeded SGD, and multinomial naive Bayes (kept as the measured baseline). Both are
 * deterministic: same data and options, same weights.
 */

export interface Classifier {
  readonly labels: readonly string[];
  /** Probabilities aligned with `labels`. */
  predict(features: readonly string[]): number[];
}

export interface LogRegOptions {
  /** @defaultValue 15 */
  epochs?: number;
  /** Initial step size; decays as 1/(1 + epoch·decay). @defaultValue 0.5 */
  learningRate?: number;
  /** @defaultValue 0.1 */
  decay?: number;
  /** L2 penalty per update on the touched weights. @defaultValue 1e-4 */
  l2?: number;
  /** Weight each class by n/(k·n_c) so rare classes (P0) are not drowned. @defaultValue true */
  balanced?: boolean;
  /** Shuffle seed. @defaultValue 42 */
  seed?: number;
}

/** mulberry32: a tiny seeded PRNG so training order is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Features seen in at least `minCount` documents, numbered in first-seen order. */
function buildVocabulary(docs: readonly (readonly string[])[], minCount = 1): Map<string, number> {
  const df = new Map<string, number>();
  for (const doc of docs) for (const f of new Set(doc)) df.set(f, (df.get(f) ?? 0) + 1);
  const vocab = new Map<string, number>();
  for (const [f, n] of df) if (n >= minCount) vocab.set(f, vocab.size);
  return vocab;
}

function indices(vocab: Map<string, number>, features: readonly string[]): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  for (const f of features) {
    const i = vocab.get(f);
    if (i !== undefined && !seen.has(i)) {
      seen.add(i);
      out.push(i);
    }
  }
  return out;
}

function softmaxInPlace(scores: number[]): number[] {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    scores[i] = Math.exp(scores[i] - max);
    sum += scores[i];
  }
  for (let i = 0; i < scores.length; i++) scores[i] /= sum;
  return scores;
}

/** Documents mapped to feature ids once, so several label models can share the work. */
export interface IndexedDocs {
  vocab: Map<string, number>;
  ids: Int32Array[];
}

export function indexDocs(docs: readonly (readonly string[])[], minCount = 1): IndexedDocs {
  const vocab = buildVocabulary(docs, minCount);
  return { vocab, ids: docs.map((d) => Int32Array.from(indices(vocab, d))) };
}

export function trainLogisticRegression(
  docs: readonly (readonly string[])[] | IndexedDocs,
  targets: readonly string[],
  labels: readonly string[],
  options: LogRegOptions = {},
): Classifier {
  const indexed = Array.isArray(docs) ? indexDocs(docs) : (docs as IndexedDocs);
  const epochs = options.epochs ?? 15;
  const lr0 = options.learningRate ?? 0.5;
  const decay = options.decay ?? 0.1;
  const l2 = options.l2 ?? 1e-4;
  const balanced = options.balanced ?? true;
  const random = seededRandom(options.seed ?? 42);
  const k = labels.length;
  const vocab = indexed.vocab;
  // Feature-major layout (w[f·k + c]) keeps each feature's class weights contiguous.
  const w = new Float64Array(vocab.size * k);
  const bias = new Float64Array(k);
  const xs = indexed.ids.map((d) => d.map((f) => f * k));
  const ys = targets.map((t) => labels.indexOf(t));
  const counts = new Array<number>(k).fill(0);
  for (const y of ys) counts[y]++;
  const classWeight = counts.map((c) => (balanced && c > 0 ? ys.length / (k * c) : 1));
  const order = xs.map((_, i) => i);
  const scores = new Float64Array(k);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    const lr = lr0 / (1 + epoch * decay);
    for (let o = 0; o < order.length; o++) {
      const n = order[o];
      const x = xs[n];
      const m = x.length;
      if (m === 0) continue;
      const scale = 1 / Math.sqrt(m);
      scores.set(bias);
      for (let i = 0; i < m; i++) {
        const base = x[i];
        for (let c = 0; c < k; c++) scores[c] += w[base + c];
      }
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        scores[c] *= scale;
        if (scores[c] > max) max = scores[c];
      }
      let sum = 0;
      for (let c = 0; c < k; c++) {
        scores[c] = Math.exp(scores[c] - max);
        sum += scores[c];
      }
      const y = ys[n];
      const step = lr * classWeight[y];
      for (let c = 0; c < k; c++) scores[c] = (scores[c] / sum - (c === y ? 1 : 0)) * step;
      const shrink = 1 - lr * l2;
      for (let i = 0; i < m; i++) {
        const base = x[i];
        for (let c = 0; c < k; c++) w[base + c] = w[base + c] * shrink - scores[c] * scale;
      }
      for (let c = 0; c < k; c++) bias[c] -= scores[c] * scale;
    }
  }
  return {
    labels,
    predict(features) {
      const x = indices(vocab, features);
      const scale = x.length > 0 ? 1 / Math.sqrt(x.length) : 1;
      const out = Array.from(bias);
      for (const f of x) for (let c = 0; c < k; c++) out[c] += w[f * k + c];
      for (let c = 0; c < k; c++) out[c] *= scale;
      return softmaxInPlace(out);
    },
  };
}

export interface NaiveBayesOptions {
  /** Laplace smoothing. @defaultValue 0.5 */
  alpha?: number;
}

export function trainNaiveBayes(
  docs: readonly (readonly string[])[],
  targets: readonly string[],
  labels: readonly string[],
  options: NaiveBayesOptions = {},
): Classifier {
  const alpha = options.alpha ?? 0.5;
  const k = labels.length;
  const vocab = buildVocabulary(docs);
  const v = vocab.size;
  const counts = new Float64Array(k * v);
  const totals = new Float64Array(k);
  const docCounts = new Float64Array(k);
  docs.forEach((doc, n) => {
    const c = labels.indexOf(targets[n]);
    docCounts[c]++;
    for (const f of indices(vocab, doc)) {
      counts[c * v + f]++;
      totals[c]++;
    }
  });
  const logPrior = Array.from(docCounts, (d) => Math.log((d + 1) / (docs.length + k)));
  return {
    labels,
    predict(features) {
      const x = indices(vocab, features);
      const out = new Array<number>(k);
      for (let c = 0; c < k; c++) {
        let s = logPrior[c];
        const denom = Math.log(totals[c] + alpha * v);
        for (const f of x) s += Math.log(counts[c * v + f] + alpha) - denom;
        out[c] = s;
      }
      return softmaxInPlace(out);
    },
  };
}

export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
