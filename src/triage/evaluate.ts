/** Scores the triage classifier on a labelled set and prints a readable report. */
import { classify } from './classify.ts';
import { getTriageModel, type TriageModel } from './triage-model.ts';
import { SEVERITIES, type Severity, type TriageResult } from './types.ts';

export interface TriageEvalItem {
  text: string;
  role?: string;
  reporters?: number;
  id?: string;
  intent: string;
  severity: string;
  category: string;
}

export interface TriageEvalError {
  id?: string;
  text: string;
  expected: { intent: string; severity: string; category: string };
  predicted: { intent: string; severity: string; category: string };
  rationale: string;
}

export interface TriageReport {
  n: number;
  intentAccuracy: number;
  severityAccuracy: number;
  categoryAccuracy: number;
  severityMacroF1: number;
  p0Recall: number;
  /** Of the messages rated P0, the share that are P0 (1 when none was rated P0). */
  p0Precision: number;
  /** Messages rated two or more levels below their gold severity (a P0 filed as P2 or P3, …). */
  underratedBy2: number;
  /** Severity confusion, gold → predicted → count. */
  confusion: Record<string, Record<string, number>>;
  errors: TriageEvalError[];
}

function macroF1(confusion: Record<string, Record<string, number>>, labels: readonly string[]): number {
  let sum = 0;
  for (const l of labels) {
    const tp = confusion[l]?.[l] ?? 0;
    let fp = 0;
    let fn = 0;
    for (const g of labels) {
      if (g !== l) fp += confusion[g]?.[l] ?? 0;
    }
    for (const p of labels) {
      if (p !== l) fn += confusion[l]?.[p] ?? 0;
    }
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    sum += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
  return labels.length > 0 ? sum / labels.length : 0;
}

export function evaluateTriage(
  items: readonly TriageEvalItem[],
  classifyFn: (item: TriageEvalItem) => TriageResult = (() => {
    let model: TriageModel | undefined;
    return (item: TriageEvalItem) => {
      model ??= getTriageModel();
      return classify({ text: item.text, role: item.role, reporters: item.reporters }, model);
    };
  })(),
): TriageReport {
  const confusion: Record<string, Record<string, number>> = {};
  for (const g of SEVERITIES) {
    confusion[g] = {};
    for (const p of SEVERITIES) confusion[g][p] = 0;
  }
  let intentOk = 0;
  let severityOk = 0;
  let categoryOk = 0;
  let p0 = 0;
  let p0Hit = 0;
  let ratedP0 = 0;
  let underratedBy2 = 0;
  const errors: TriageEvalError[] = [];
  for (const item of items) {
    const r = classifyFn(item);
    const iOk = r.intent === item.intent;
    const sOk = r.severity === item.severity;
    const cOk = r.category === item.category;
    if (iOk) intentOk++;
    if (sOk) severityOk++;
    if (cOk) categoryOk++;
    if (item.severity === 'P0') {
      p0++;
      if (r.severity === 'P0') p0Hit++;
    }
    if (r.severity === 'P0') ratedP0++;
    const gold = SEVERITIES.indexOf(item.severity as Severity);
    if (gold >= 0 && SEVERITIES.indexOf(r.severity) - gold >= 2) underratedBy2++;
    confusion[item.severity] ??= {};
    confusion[item.severity][r.severity] = (confusion[item.severity][r.severity] ?? 0) + 1;
    if (!iOk || !sOk || !cOk) {
      errors.push({
        id: item.id,
        text: item.text,
        expected: { intent: item.intent, severity: item.severity, category: item.category },
        predicted: { intent: r.intent, severity: r.severity, category: r.category },
        rationale: r.rationale,
      });
    }
  }
  const n = items.length;
  const ratio = (k: number) => (n > 0 ? k / n : 0);
  return {
    n,
    intentAccuracy: ratio(intentOk),
    severityAccuracy: ratio(severityOk),
    categoryAccuracy: ratio(categoryOk),
    severityMacroF1: macroF1(confusion, SEVERITIES as readonly Severity[]),
    p0Recall: p0 > 0 ? p0Hit / p0 : 1,
    p0Precision: ratedP0 > 0 ? p0Hit / ratedP0 : 1,
    underratedBy2,
    confusion,
    errors,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A plain-text report: scores, the severity confusion matrix, and the misclassified items. */
export function formatTriageReport(report: TriageReport, options: { maxErrors?: number } = {}): string {
  const maxErrors = options.maxErrors ?? 20;
  const lines: string[] = [];
  lines.push(`Triage evaluation — ${report.n} items`);
  lines.push('');
  lines.push(`  intent accuracy      ${pct(report.intentAccuracy)}`);
  lines.push(`  severity accuracy    ${pct(report.severityAccuracy)}`);
  lines.push(`  severity macro-F1    ${pct(report.severityMacroF1)}`);
  lines.push(`  P0 recall            ${pct(report.p0Recall)}`);
  lines.push(`  P0 precision         ${pct(report.p0Precision)}`);
  lines.push(`  2+ levels too low    ${report.underratedBy2}`);
  lines.push(`  category accuracy    ${pct(report.categoryAccuracy)}`);
  lines.push('');
  lines.push('  severity confusion (rows gold, columns predicted)');
  const labels = Object.keys(report.confusion);
  lines.push(
    `  ${'gold\\pred'.padEnd(10)}${labels.map((l) => l.padStart(6)).join('')}${'total'.padStart(8)}`,
  );
  for (const g of labels) {
    const row = labels.map((p) => report.confusion[g][p] ?? 0);
    lines.push(
      `  ${g.padEnd(10)}${row.map((c) => String(c).padStart(6)).join('')}${String(row.reduce((a, b) => a + b, 0)).padStart(8)}`,
    );
  }
  if (report.errors.length > 0) {
    lines.push('');
    lines.push(
      `  errors (${report.errors.length}${report.errors.length > maxErrors ? `, first ${maxErrors}` : ''})`,
    );
    for (const e of report.errors.slice(0, maxErrors)) {
      const diff = (['intent', 'severity', 'category'] as const)
        .filter((k) => e.expected[k] !== e.predicted[k])
        .map((k) => `${k} ${e.expected[k]}→${e.predicted[k]}`)
        .join(', ');
      const text = e.text.length > 80 ? `${e.text.slice(0, 79)}…` : e.text;
      lines.push(`  - ${e.id ? `[${e.id}] ` : ''}${text}`);
      lines.push(`      ${diff}`);
    }
  }
  return lines.join('\n');
}
