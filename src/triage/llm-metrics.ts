/**
 * Prometheus counters for the LLM second opinion: outcomes (agreed, disagreed, and each kind of
 * fallback) and disagreements per field. Register them on the process registry and pass the returned
 * function as `onReport` to classifyWithLlm.
 */
import { Counter, type Registry } from 'prom-client';
import type { LlmTriageField, LlmTriageOutcome, LlmTriageReport } from './llm-classify.ts';

const OUTCOMES: readonly LlmTriageOutcome[] = [
  'agreed',
  'disagreed',
  'timeout',
  'failed',
  'refused',
  'malformed',
];
const FIELDS: readonly LlmTriageField[] = ['intent', 'severity', 'category'];

export function triageLlmMetrics(
  registry: Registry,
  prefix = 'helpline_',
): (report: LlmTriageReport) => void {
  const outcomes = new Counter({
    name: `${prefix}triage_llm_total`,
    help: 'Messages given to the LLM for a triage second opinion, by outcome (agreed, disagreed, or the fallback reason).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const disagreements = new Counter({
    name: `${prefix}triage_llm_disagreements_total`,
    help: 'Fields on which the LLM second opinion and the offline classifier disagreed.',
    labelNames: ['field'],
    registers: [registry],
  });
  // Zero series exist from the start, so a rate() over them works before the first disagreement.
  for (const outcome of OUTCOMES) outcomes.inc({ outcome }, 0);
  for (const field of FIELDS) disagreements.inc({ field }, 0);
  return (report) => {
    outcomes.inc({ outcome: report.outcome });
    for (const field of report.disagreements) disagreements.inc({ field });
  };
}
