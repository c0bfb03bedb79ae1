/** Offline triage: intent, severity (DESIGN §3), category (DESIGN §4), rationale and signals. */
export { classify, MASS_INCIDENT_P0_REPORTERS, MASS_INCIDENT_P1_REPORTERS } from './classify.ts';
export { type CrossValidation, crossValidate } from './cross-validate.ts';
export {
  evaluateTriage,
  formatTriageReport,
  type TriageEvalError,
  type TriageEvalItem,
  type TriageReport,
} from './evaluate.ts';
export { type DetectedSignal, detectSignals, type SignalName } from './signals.ts';
export { DEFAULT_TRAINING_PATH, loadTrainingSet, parseTrainingSet } from './training-data.ts';
export {
  getTriageModel,
  type TriageModel,
  type TriageModelOptions,
  trainTriageModel,
} from './triage-model.ts';
export {
  CATEGORIES,
  type Category,
  INTENTS,
  type Intent,
  type LabelledMessage,
  ROLES,
  SEVERITIES,
  type Severity,
  type TriageInput,
  type TriageResult,
  type TriageSignal,
} from './types.ts';
