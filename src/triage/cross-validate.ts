/**
 * k-fold cross-validation of the whole classifier (models + extraction + rubric). The folds cut the
 * evaluated examples; `base` examples (another writer's set) are added to every fold's training data
 * and never evaluated, so "train on the original set and 4/5 of the voice sets, test on the last
 * fifth" is one call.
 */

import { prng } from '../util/prng.ts';
import { classify } from './classify.ts';
import { evaluateTriage, type TriageReport } from './evaluate.ts';
import {
  SHIPPED_MODEL_OPTIONS,
  type TriageModel,
  type TriageModelOptions,
  trainTriageModel,
} from './triage-model.ts';
import type { LabelledMessage, TriageResult } from './types.ts';

export interface CrossValidation {
  k: number;
  folds: TriageReport[];
  mean: { intent: number; severity: number; category: number; severityMacroF1: number; p0Recall: number };
  /** Every example scored once, by the model of the fold that held it out. */
  pooled: TriageReport;
  /** The pooled report per writer's voice (`LabelledMessage.voice`, `original` when absent). */
  byVoice: Record<string, TriageReport>;
}

export interface CrossValidateOptions {
  k?: number;
  model?: TriageModelOptions;
  /** @defaultValue 7 */
  seed?: number;
  /** Added to every fold's training data, never evaluated. @defaultValue [] */
  base?: readonly LabelledMessage[];
  /** How a fold's model rates a message. @defaultValue classify (models + extraction + rubric) */
  predict?: (model: TriageModel, item: LabelledMessage) => TriageResult;
}

export function crossValidate(
  examples: readonly LabelledMessage[],
  options: CrossValidateOptions = {},
): CrossValidation {
  const k = options.k ?? 5;
  const base = options.base ?? [];
  const predict = options.predict ?? ((model, item) => classify({ text: item.text, role: item.role }, model));
  const random = prng(options.seed ?? 7);
  const order = examples.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const predicted = new Array<TriageResult>(examples.length);
  const folds: TriageReport[] = [];
  for (let f = 0; f < k; f++) {
    const testIds = order.filter((_, i) => i % k === f);
    const train = [...base, ...order.filter((_, i) => i % k !== f).map((i) => examples[i])];
    const model = trainTriageModel(train, options.model ?? SHIPPED_MODEL_OPTIONS);
    const test = testIds.map((i) => examples[i]);
    folds.push(
      evaluateTriage(test, (item) => {
        const r = predict(model, item as LabelledMessage);
        predicted[testIds[test.indexOf(item as LabelledMessage)]] = r;
        return r;
      }),
    );
  }
  const avg = (pick: (r: TriageReport) => number) => folds.reduce((s, r) => s + pick(r), 0) / folds.length;
  const pooledOf = (items: readonly LabelledMessage[]) => {
    const at = new Map(examples.map((e, i) => [e, i]));
    return evaluateTriage(items, (item) => predicted[at.get(item as LabelledMessage) ?? -1]);
  };
  const voices = [...new Set(examples.map((e) => e.voice ?? 'original'))];
  return {
    k,
    folds,
    mean: {
      intent: avg((r) => r.intentAccuracy),
      severity: avg((r) => r.severityAccuracy),
      category: avg((r) => r.categoryAccuracy),
      severityMacroF1: avg((r) => r.severityMacroF1),
      p0Recall: avg((r) => r.p0Recall),
    },
    pooled: pooledOf(examples),
    byVoice: Object.fromEntries(
      voices.map((v) => [v, pooledOf(examples.filter((e) => (e.voice ?? 'original') === v))]),
    ),
  };
}

/**
 * Leave-one-writer-out: for each voice, train on the base examples and every other voice, and score
 * that voice. Closer to a new writer's messages than k-fold, where a fold's neighbours share its
 * writer's phrasing. (The rules were still written looking at every voice: a training figure.)
 */
export function crossValidateByVoice(
  examples: readonly LabelledMessage[],
  options: Omit<CrossValidateOptions, 'k' | 'seed'> = {},
): Omit<CrossValidation, 'folds' | 'mean' | 'k'> {
  const base = options.base ?? [];
  const predict = options.predict ?? ((model, item) => classify({ text: item.text, role: item.role }, model));
  const voices = [...new Set(examples.map((e) => e.voice ?? 'original'))];
  const predicted = new Map<LabelledMessage, TriageResult>();
  for (const v of voices) {
    const test = examples.filter((e) => (e.voice ?? 'original') === v);
    const train = [...base, ...examples.filter((e) => (e.voice ?? 'original') !== v)];
    const model = trainTriageModel(train, options.model ?? SHIPPED_MODEL_OPTIONS);
    for (const item of test) predicted.set(item, predict(model, item));
  }
  const pooledOf = (items: readonly LabelledMessage[]) =>
    evaluateTriage(items, (item) => predicted.get(item as LabelledMessage) as TriageResult);
  return {
    pooled: pooledOf(examples),
    byVoice: Object.fromEntries(
      voices.map((v) => [v, pooledOf(examples.filter((e) => (e.voice ?? 'original') === v))]),
    ),
  };
}
