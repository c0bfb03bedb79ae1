/**
 * Offline triage: the statistical models propose intent, severity and category; explicit signals
 * then set floors and caps from the DESIGN §3 rubric. Explicit P0 evidence (a breach, a company-wide
 * outage, payroll wrong for the company on payday, many distinct reporters) always holds.
 */
import { argmax } from './model.ts';
import { type DetectedSignal, detectSignals, hasSignal, type SignalName } from './signals.ts';
import { getTriageModel, messageFeatures, type TriageModel } from './triage-model.ts';
import {
  type Category,
  CATEGORIES,
  type Intent,
  INTENTS,
  moreSevere,
  ROLES,
  type Severity,
  SEVERITIES,
  severityRank,
  type TriageInput,
  type TriageResult,
  type TriageSignal,
} from './types.ts';

/** Distinct reporters from which a mass incident is treated as P0 / at least P1. */
export const MASS_INCIDENT_P0_REPORTERS = 5;
export const MASS_INCIDENT_P1_REPORTERS = 3;

/** Confidence given to a label that an explicit rule set. */
const RULE_CONFIDENCE = 0.95;

interface Decision {
  name: SignalName;
  effect: string;
}

function normalizeRole(role: string | undefined): string {
  return role && (ROLES as readonly string[]).includes(role) ? role : 'employee';
}

export function classify(input: TriageInput, model: TriageModel = getTriageModel()): TriageResult {
  const text = typeof input.text === 'string' ? input.text : '';
  const role = normalizeRole(input.role);
  const signals = detectSignals(text, { role, reporters: input.reporters });
  const has = (name: SignalName) => hasSignal(signals, name);
  const features = messageFeatures(text, role, signals, model.options);
  const pIntent = model.intent.predict(features);
  const pSeverity = model.severity.predict(features);
  const pCategory = model.category.predict(features);

  let intent: Intent = INTENTS[argmax(pIntent)];
  let category: Category = CATEGORIES[argmax(pCategory)];
  let severity: Severity = SEVERITIES[argmax(pSeverity)];
  const decisions: Decision[] = [];
  const ruled = { intent: false, category: false, severity: false };

  // --- intent
  if (has('human_request') && intent !== 'human') {
    intent = 'human';
    ruled.intent = true;
    decisions.push({ name: 'human_request', effect: 'intent=human' });
  }
  const reporters = input.reporters ?? 0;
  // A hypothetical ("how do I report phishing?") only disarms security/scope words when the model
  // does not itself read the message as a report of something broken.
  const hypothetical = has('hypothetical') && intent !== 'incident';
  const breach = has('security_breach') && !hypothetical;
  const companyOutage = has('scope_company') && (has('outage') || has('money')) && !hypothetical;
  if ((intent === 'question' || intent === 'smalltalk') && (breach || companyOutage)) {
    intent = 'incident';
    ruled.intent = true;
    decisions.push({ name: breach ? 'security_breach' : 'scope_company', effect: 'intent=incident' });
  }
  const escalation = has('escalate_command') && role === 'hr_admin';
  if (escalation && intent !== 'incident') {
    intent = 'incident';
    ruled.intent = true;
  }

  // --- category
  const compromise = has('security_compromise') && !hypothetical && !has('no_harm');
  if ((breach || compromise) && category !== 'security') {
    category = 'security';
    ruled.category = true;
    decisions.push({ name: breach ? 'security_breach' : 'security_compromise', effect: 'category=security' });
  }
  if (escalation && category !== 'payroll') {
    category = 'payroll';
    ruled.category = true;
    decisions.push({ name: 'escalate_command', effect: 'category=payroll' });
  }

  // --- severity: caps by intent (DESIGN §3: questions and no-urgency requests are P3)
  const problem = intent === 'incident' || (intent === 'human' && category !== 'other');
  if (intent === 'question' || intent === 'smalltalk' || (intent === 'human' && !problem)) {
    severity = 'P3';
  } else if (intent === 'request') {
    const urgent = has('urgency_blocked') || has('urgency_deadline');
    severity = urgent && severityRank(severity) <= 2 ? 'P2' : 'P3';
  } else if (severity === 'P3') {
    severity = 'P2'; // something is broken: at least P2
  }

  // P0 needs explicit evidence (a floor below sets it again when there is some); a model guess alone
  // cannot page someone at night.
  if (severity === 'P0') severity = 'P1';

  // --- severity: floors from explicit signals
  const floor = (to: Severity, name: SignalName, why: boolean) => {
    if (!why) return;
    if (severityRank(to) < severityRank(severity)) {
      severity = moreSevere(severity, to);
      ruled.severity = true;
      decisions.push({ name, effect: `severity≥${to}` });
    } else if (!decisions.some((d) => d.name === name)) {
      decisions.push({ name, effect: `supports ${to}` });
    }
  };
  floor('P0', 'security_breach', breach);
  floor('P0', 'scope_company', problem && companyOutage);
  floor(
    'P0',
    'scope_company',
    problem &&
      category === 'payroll' &&
      has('scope_company') &&
      !hypothetical &&
      (has('urgency_payday') || has('money')),
  );
  floor('P0', 'reporters', problem && reporters >= MASS_INCIDENT_P0_REPORTERS);
  floor('P1', 'scope_group', problem && has('scope_group'));
  floor('P1', 'scope_count', problem && has('scope_count') && category !== 'report');
  // A failed feed between systems stops a process (payroll, month-end close) for everyone it feeds.
  floor(
    'P1',
    'urgency_deadline',
    problem && category === 'integration' && has('outage') && has('urgency_deadline') && !has('workaround'),
  );
  floor('P1', 'security_compromise', problem && compromise);
  floor('P1', 'urgency_payday', problem && category === 'payroll' && has('urgency_payday'));
  floor('P1', 'role_hr_admin', problem && category === 'payroll' && role === 'hr_admin');
  floor('P1', 'escalate_command', escalation);
  floor('P1', 'reporters', problem && reporters >= MASS_INCIDENT_P1_REPORTERS);

  const confidence = {
    intent: ruled.intent ? Math.max(RULE_CONFIDENCE, pIntent[INTENTS.indexOf(intent)]) : pIntent[INTENTS.indexOf(intent)],
    category: ruled.category
      ? Math.max(RULE_CONFIDENCE, pCategory[CATEGORIES.indexOf(category)])
      : pCategory[CATEGORIES.indexOf(category)],
    severity: ruled.severity
      ? Math.max(RULE_CONFIDENCE, pSeverity[SEVERITIES.indexOf(severity)])
      : pSeverity[SEVERITIES.indexOf(severity)],
  };
  const outSignals: TriageSignal[] = signals.map((s) => {
    const effects = decisions.filter((d) => d.name === s.name).map((d) => d.effect);
    return effects.length > 0 ? { name: s.name, match: s.match, effect: effects.join(', ') } : { name: s.name, match: s.match };
  });
  return {
    intent,
    severity,
    category,
    rationale: explain({ intent, severity, category }, signals, decisions, ruled, confidence),
    signals: outSignals,
    confidence: {
      intent: round(confidence.intent),
      severity: round(confidence.severity),
      category: round(confidence.category),
    },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

const SEVERITY_WORDS: Record<Severity, string> = {
  P0: 'P0 (critical)',
  P1: 'P1 (high)',
  P2: 'P2 (medium)',
  P3: 'P3 (low)',
};

function explain(
  result: { intent: Intent; severity: Severity; category: Category },
  signals: readonly DetectedSignal[],
  decisions: readonly Decision[],
  ruled: { intent: boolean; category: boolean; severity: boolean },
  confidence: { intent: number; severity: number; category: number },
): string {
  const reasonOf = (name: string) => signals.find((s) => s.name === name)?.reason ?? name;
  const severityBy = decisions.filter((d) => d.effect.startsWith('severity≥'));
  let first: string;
  if (severityBy.length > 0) {
    const reasons = [...new Set(severityBy.map((d) => reasonOf(d.name)))];
    first = `${SEVERITY_WORDS[result.severity]} because ${reasons.join(' and ')}.`;
  } else if (result.intent === 'question' || result.intent === 'smalltalk') {
    first = `${SEVERITY_WORDS[result.severity]}: a ${result.intent === 'question' ? 'how-to or information question' : 'greeting or small talk'} with no urgency.`;
  } else if (result.intent === 'request' && result.severity === 'P3') {
    first = `${SEVERITY_WORDS[result.severity]}: a request with no stated urgency.`;
  } else if (result.intent === 'human' && result.severity === 'P3') {
    first = `${SEVERITY_WORDS[result.severity]}: the user asks for a person and states no problem.`;
  } else {
    const support = decisions
      .filter((d) => d.effect.startsWith('supports'))
      .map((d) => reasonOf(d.name));
    const noted = signals
      .filter((s) => ['workaround', 'urgency_deadline', 'urgency_blocked', 'money', 'legal'].includes(s.name))
      .map((s) => s.reason);
    const why = [...new Set([...support, ...noted])];
    first = `${SEVERITY_WORDS[result.severity]} from the text model (${Math.round(confidence.severity * 100)}%)${
      why.length > 0 ? `; signals: ${why.join(', ')}` : '; no scope, security or payday signal raised it'
    }.`;
  }
  const intentPart = ruled.intent
    ? `intent ${result.intent} (${decisions.find((d) => d.effect.startsWith('intent='))?.name ?? 'rule'})`
    : `intent ${result.intent}`;
  const categoryPart = ruled.category ? `category ${result.category} (set by signal)` : `category ${result.category}`;
  return `${first} Classified as ${intentPart}, ${categoryPart}.`;
}
