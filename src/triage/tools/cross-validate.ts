/**
 * `npm run triage:cv`: 5-fold cross-validation of the whole classifier on the voice sets (each fold
 * trained on the original set plus the other four fifths), per voice and pooled, with the severity
 * confusion matrix; then leave-one-writer-out on the voice sets (each voice scored by a model trained
 * on the original set and the other voices: the closest of these to a new writer); then 5-fold on the
 * original set (the voice sets always in training). These are training figures: the rules and weights
 * were tuned looking at these sets.
 *
 *   npm run triage:cv                  tables
 *   npm run triage:cv -- --errors      also the misclassified training messages
 *   npm run -s triage:cv -- --json     machine-readable
 */
import { parseArgs } from 'node:util';
import { type CrossValidation, crossValidate, crossValidateByVoice } from '../cross-validate.ts';
import { formatTriageReport, type TriageReport } from '../evaluate.ts';
import { loadTrainingData } from '../training-data.ts';

const { values: args } = parseArgs({
  options: { json: { type: 'boolean' }, errors: { type: 'boolean' }, k: { type: 'string', default: '5' } },
});
const k = Number(args.k);
const { original, voices } = loadTrainingData();
const started = performance.now();
const onVoices = crossValidate(voices, { k, base: original });
const byWriter = crossValidateByVoice(voices, { base: original });
const onOriginal = crossValidate(original, { k, base: voices });
const seconds = (performance.now() - started) / 1000;

const f2 = (x: number) => x.toFixed(2);
function row(name: string, r: TriageReport): string {
  const p0 = r.confusion.P0 ? Object.values(r.confusion.P0).reduce((a, b) => a + b, 0) : 0;
  return `| ${name} | ${r.n} | ${f2(r.intentAccuracy)} | ${f2(r.severityAccuracy)} | ${f2(r.p0Recall)} (${r.confusion.P0?.P0 ?? 0}/${p0}) | ${f2(r.p0Precision)} | ${r.underratedBy2} | ${f2(r.categoryAccuracy)} |`;
}
function table(title: string, cv: Pick<CrossValidation, 'byVoice' | 'pooled'>): string {
  return [
    `${title}`,
    '',
    '| set | n | intent | severity | P0 recall | P0 precision | ≥2 levels low | category |',
    '|---|---|---|---|---|---|---|---|',
    ...Object.entries(cv.byVoice).map(([v, r]) => row(v, r)),
    ...(Object.keys(cv.byVoice).length > 1 ? [row('all', cv.pooled)] : []),
    '',
    formatTriageReport(cv.pooled, { maxErrors: args.errors ? 1000 : 0 }),
  ].join('\n');
}

if (args.json) {
  const strip = (cv: Pick<CrossValidation, 'byVoice' | 'pooled'>) => ({
    ...cv,
    folds: undefined,
    pooled: { ...cv.pooled, errors: undefined },
    byVoice: Object.fromEntries(Object.entries(cv.byVoice).map(([v, r]) => [v, { ...r, errors: undefined }])),
  });
  console.log(
    JSON.stringify(
      { k, voices: strip(onVoices), byWriter: strip(byWriter), original: strip(onOriginal) },
      null,
      2,
    ),
  );
} else {
  console.log(
    table(`${k}-fold CV on the voice sets (training also on the original set) — training figures`, onVoices),
  );
  console.log('');
  console.log(
    table(
      'Leave one writer out on the voice sets (each voice scored by a model trained on the original set and the other voices) — training figures',
      byWriter,
    ),
  );
  console.log('');
  console.log(
    table(
      `${k}-fold CV on the original set (training also on the voice sets) — training figures`,
      onOriginal,
    ),
  );
  console.log(`\n(${seconds.toFixed(1)} s)`);
}
