/**
 * An LLM second opinion on triage, where an OpenAI-compatible endpoint is configured. The offline
 * classifier always runs first and is the answer whenever the model fails, times out, refuses or
 * returns something that is not the expected JSON. When both answer:
 *
 * - severity: never below an explicit offline signal's floor (a breach, company-wide outage, payday,
 *   hr_admin payroll anomaly …); otherwise the LLM's reading, which sees phrasing no rule knows;
 * - intent and category: the offline ones where an explicit rule set them ("转人工", a breach), else
 *   the LLM's;
 * - every disagreement is named in the rationale and reported (`onReport`) for metrics.
 *
 * The text sent is PII-masked (DESIGN §5). This is the async entry point callers adopt when they can
 * await; `classify` (classify.ts) stays synchronous and offline.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ChatModel } from '../llm/chat-model.ts';
import { maskPii } from '../privacy/pii.ts';
import { classify } from './classify.ts';
import type { TriageModel } from './triage-model.ts';
import {
  CATEGORIES,
  INTENTS,
  moreSevere,
  SEVERITIES,
  type Severity,
  type TriageInput,
  type TriageResult,
  type TriageSignal,
} from './types.ts';

const PROMPT = readFileSync(new URL('../../prompts/classify.md', import.meta.url), 'utf8');

/** How long a turn waits for the second opinion before going on with the offline result. */
export const DEFAULT_LLM_TRIAGE_BUDGET_MS = 4000;

const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v);
const OpinionSchema = z.object({
  intent: z.preprocess(lower, z.enum(INTENTS)),
  severity: z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), z.enum(SEVERITIES)),
  category: z.preprocess(lower, z.enum(CATEGORIES)),
  rationale: z.string().trim().min(1).max(1000),
});
export type LlmOpinion = z.infer<typeof OpinionSchema>;

export type LlmTriageOutcome = 'agreed' | 'disagreed' | 'timeout' | 'failed' | 'refused' | 'malformed';
export type LlmTriageField = 'intent' | 'severity' | 'category';

export interface LlmTriageReport {
  outcome: LlmTriageOutcome;
  /** What the model said, when it said something valid. */
  opinion?: LlmOpinion;
  /** Fields where the model and the offline classifier differed. */
  disagreements: LlmTriageField[];
  /** Time spent waiting for the model. */
  ms: number;
  /** Why the offline result was used, for logs (never message text). */
  error?: string;
}

export interface LlmTriageResult extends TriageResult {
  llm: LlmTriageReport;
}

export interface LlmTriageOptions {
  /** @defaultValue DEFAULT_LLM_TRIAGE_BUDGET_MS */
  budgetMs?: number;
  /** The offline model (default: the shipped one). */
  model?: TriageModel;
  /** The offline result, when the caller has it already (not computed again). */
  offline?: TriageResult;
  /** Called once per message with what happened: count outcomes and disagreements here. */
  onReport?: (report: LlmTriageReport) => void;
}

const REFUSAL =
  /\b(?:sorry|i can(?:no|')t|i cannot|i'm unable|i am unable|i won't|unable to (?:help|assist|comply))\b|抱歉|无法(?:协助|提供|处理|回答)|不能(?:协助|提供)/iu;

/** The system prompt and user message the model gets for one message. */
export function classifyMessages(input: TriageInput): { role: 'system' | 'user'; content: string }[] {
  const role = input.role && input.role.length > 0 ? input.role : 'employee';
  return [
    { role: 'system', content: PROMPT },
    {
      role: 'user',
      content: `Message:\n"""\n${maskPii(input.text ?? '')}\n"""\nReporter role: ${role}${input.reporters && input.reporters > 1 ? `\nDistinct reporters of this issue so far: ${input.reporters}` : ''}\nAnswer with the JSON object only.`,
    },
  ];
}

/** Reads the model's reply: JSON (fenced or bare), validated; a refusal or anything else is an error. */
export function parseOpinion(
  text: string,
): { opinion: LlmOpinion } | { outcome: 'refused' | 'malformed'; error: string } {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) {
    return REFUSAL.test(text)
      ? { outcome: 'refused', error: 'the model declined to classify' }
      : { outcome: 'malformed', error: 'the reply holds no JSON object' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.slice(start, end + 1));
  } catch {
    return { outcome: 'malformed', error: 'the reply is not valid JSON' };
  }
  const parsed = OpinionSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'object'))].join(', ');
    return { outcome: 'malformed', error: `the JSON does not fit the schema (${fields})` };
  }
  return { opinion: parsed.data };
}

/** The most severe floor an explicit offline signal set or supported (not the model's P0 lean). */
export function explicitFloor(offline: TriageResult): Severity | undefined {
  let floor: Severity | undefined;
  for (const s of offline.signals) {
    for (const m of (s.effect ?? '').matchAll(/(?:severity≥|supports )(P[0-3])/g)) {
      floor = floor ? moreSevere(floor, m[1] as Severity) : (m[1] as Severity);
    }
  }
  return floor;
}

const ruledBy = (offline: TriageResult, field: 'intent' | 'category') =>
  offline.signals.some((s) => (s.effect ?? '').includes(`${field}=`));

/** The combined result of the offline classifier and a valid LLM opinion. */
export function combine(offline: TriageResult, opinion: LlmOpinion): LlmTriageResult {
  const floor = explicitFloor(offline);
  const intent = ruledBy(offline, 'intent') ? offline.intent : opinion.intent;
  const category = ruledBy(offline, 'category') ? offline.category : opinion.category;
  let severity: Severity = floor ? moreSevere(opinion.severity, floor) : opinion.severity;
  if (
    !floor &&
    (intent === 'question' || intent === 'smalltalk' || (intent === 'human' && category === 'other'))
  )
    severity = 'P3';
  else if (intent === 'incident' && severity === 'P3') severity = 'P2';
  const disagreements = (['intent', 'severity', 'category'] as const).filter(
    (f) => offline[f] !== opinion[f],
  );
  let rationale: string;
  if (disagreements.length === 0) {
    rationale = `${offline.rationale} The LLM second opinion agrees.`;
  } else if (severity === offline.severity) {
    const held = floor && opinion.severity !== severity ? ` Kept ${severity}: an explicit signal holds.` : '';
    rationale = `${offline.rationale} The LLM second opinion differs (${describe(opinion, disagreements)}): "${opinion.rationale}"${held}`;
  } else {
    rationale = `${SEVERITY_WORDS[severity]} from the LLM second opinion: "${opinion.rationale}" Intent ${intent}; category ${category}. The offline rating was ${offline.severity}: ${offline.rationale}`;
  }
  const signal: TriageSignal = {
    name: 'llm_opinion',
    match: `${opinion.intent} ${opinion.severity} ${opinion.category}`,
    effect:
      disagreements.length === 0
        ? 'agrees'
        : `disagrees on ${disagreements.join(', ')}${severity !== offline.severity ? `; severity=${severity}` : ''}`,
  };
  const decided = 0.8;
  return {
    intent,
    severity,
    category,
    rationale,
    signals: [...offline.signals, signal],
    confidence: {
      intent: intent === offline.intent ? offline.confidence.intent : decided,
      severity: severity === offline.severity ? offline.confidence.severity : decided,
      category: category === offline.category ? offline.confidence.category : decided,
    },
    llm: { outcome: disagreements.length === 0 ? 'agreed' : 'disagreed', opinion, disagreements, ms: 0 },
  };
}

function describe(opinion: LlmOpinion, fields: readonly LlmTriageField[]): string {
  return fields.map((f) => `${f} ${opinion[f]}`).join(', ');
}

const SEVERITY_WORDS: Record<Severity, string> = {
  P0: 'P0 (critical)',
  P1: 'P1 (high)',
  P2: 'P2 (medium)',
  P3: 'P3 (low)',
};

class BudgetExceeded extends Error {}

/**
 * Offline triage plus the LLM's second opinion, within `budgetMs`. Never throws for an LLM problem:
 * the offline result comes back with `llm.outcome` saying what went wrong.
 */
export async function classifyWithLlm(
  input: TriageInput,
  llm: ChatModel,
  options: LlmTriageOptions = {},
): Promise<LlmTriageResult> {
  const offline = options.offline ?? (options.model ? classify(input, options.model) : classify(input));
  const budget = options.budgetMs ?? DEFAULT_LLM_TRIAGE_BUDGET_MS;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let report: LlmTriageReport;
  let result: LlmTriageResult;
  try {
    const reply = await Promise.race([
      llm.complete(classifyMessages(input), { temperature: 0, maxTokens: 300, json: true }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BudgetExceeded(`no answer within ${budget} ms`)), budget);
      }),
    ]);
    const parsed = parseOpinion(reply);
    if ('opinion' in parsed) {
      result = combine(offline, parsed.opinion);
      report = { ...result.llm, ms: performance.now() - started };
    } else {
      report = {
        outcome: parsed.outcome,
        disagreements: [],
        ms: performance.now() - started,
        error: parsed.error,
      };
      result = offlineWith(offline, report);
    }
  } catch (err) {
    const timeout = err instanceof BudgetExceeded || /timed? ?out/i.test((err as Error).message ?? '');
    report = {
      outcome: timeout ? 'timeout' : 'failed',
      disagreements: [],
      ms: performance.now() - started,
      error: (err as Error).message,
    };
    result = offlineWith(offline, report);
  } finally {
    clearTimeout(timer);
  }
  result.llm = report;
  options.onReport?.(report);
  return result;
}

function offlineWith(offline: TriageResult, report: LlmTriageReport): LlmTriageResult {
  return {
    ...offline,
    signals: [
      ...offline.signals,
      { name: 'llm_opinion', match: report.outcome, effect: 'unavailable; offline result' },
    ],
    llm: report,
  };
}
