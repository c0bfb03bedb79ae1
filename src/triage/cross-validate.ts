/** Stratified-by-position k-fold cross-validation of the whole classifier (models + signal rules). */
import { classify } from './classify.ts';
import { evaluateTriage, type TriageReport } from './evaluate.ts';
import { seededRandom } from './model.ts';
import { type TriageModelOptions, trainTriageModel } from './triage-model.ts';
import type { LabelledMessage } from './types.ts';

export interface CrossValidation {
  k: number;
  folds: TriageReport[];
  mean: { intent: number; severity: number; category: number; severityMacroF1: number; p0Recall: number };
}

export function crossValidate(
  examples: readonly LabelledMessage[],
  k = 5,
  options: TriageModelOptions = {},
  seed = 7,
): CrossValidation {
  const random = seededRandom(seed);
  const order = examples.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const folds: TriageReport[] = [];
  for (let f = 0; f < k; f++) {
    const test = order.filter((_, i) => i % k === f).map((i) => examples[i]);
    const train = order.filter((_, i) => i % k !== f).map((i) => examples[i]);
    const model = trainTriageModel(train, options);
    folds.push(evaluateTriage(test, (item) => classify({ text: item.text, role: item.role }, model)));
  }
  const avg = (pick: (r: TriageReport) => number) => folds.reduce((s, r) => s + pick(r), 0) / folds.length;
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
  };
}
