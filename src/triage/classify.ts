/**
 * Offline triage: the statistical models propose intent, severity and category; explicit signals
 * then set floors and caps from the DESIGN §3 rubric. Explicit P0 evidence (a breach, a company-wide
 * outage, payroll wrong for the company on payday, many distinct reporters) always holds.
 */
import { argmax } from './model.ts';
import { type DetectedSignal, detectSignals, hasSignal, type SignalName } from './signals.ts';
import { getTriageModel, messageFeatures, type TriageModel } from './triage-model.ts';
import {
  CATEGORIES,
  type Category,
  INTENTS,
  type Intent,
  moreSevere,
  ROLES,
  SEVERITIES,
  type Severity,
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

/** Signals saying something is wrong; without any, a greeting or thanks stays small talk. */
const PROBLEM_SIGNALS: SignalName[] = [
  'outage',
  'money',
  'legal',
  'security_breach',
  'security_compromise',
  'security_phishing',
  'urgency_blocked',
  'urgency_payday',
  'request_form',
];

/** Signals that can make a problem more than one person's routine trouble. */
const P1_EVIDENCE: SignalName[] = [
  'scope_company',
  'scope_group',
  'scope_count',
  'scope_unit',
  'urgency_deadline',
  'urgency_blocked',
  'urgency_payday',
  'money',
  'legal',
  'security_breach',
  'security_compromise',
  'role_hr_admin',
  'escalate_command',
  'reporters',
];

interface Decision {
  name: SignalName;
  effect: string;
  /** Overrides the signal's own reason when several signals decided together. */
  reason?: string;
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
  const hypothetical = (has('hypothetical') && intent !== 'incident') || has('exercise');
  const breach = has('security_breach') && !hypothetical;
  const companyOutage = has('scope_company') && (has('outage') || has('money')) && !hypothetical;
  const compromise = has('security_compromise') && !hypothetical && !has('no_harm');
  if ((intent === 'question' || intent === 'smalltalk') && (breach || companyOutage || compromise)) {
    intent = 'incident';
    ruled.intent = true;
    const by = breach ? 'security_breach' : companyOutage ? 'scope_company' : 'security_compromise';
    decisions.push({ name: by, effect: 'intent=incident' });
  }
  // Thanks or a greeting with no word of anything broken ("my whole team loves this bot") is small
  // talk, whatever the scope words in it.
  const troubled = PROBLEM_SIGNALS.some((name) => has(name));
  if (
    has('smalltalk_cue') &&
    !troubled &&
    intent !== 'smalltalk' &&
    intent !== 'human' &&
    !has('question_form')
  ) {
    intent = 'smalltalk';
    ruled.intent = true;
    decisions.push({ name: 'smalltalk_cue', effect: 'intent=smalltalk' });
  }
  // An unsure "incident" that is phrased as a question or a request and names nothing broken is a
  // question or a request ("所有人的工资条都能在app里看到吗").
  if (
    intent === 'incident' &&
    pIntent[INTENTS.indexOf('incident')] < 0.6 &&
    !troubled &&
    !has('security_breach')
  ) {
    const form = has('question_form') ? 'question' : has('request_form') ? 'request' : undefined;
    if (form) {
      intent = form;
      ruled.intent = true;
      decisions.push({
        name: form === 'question' ? 'question_form' : 'request_form',
        effect: `intent=${form}`,
      });
    }
  }
  const escalation = has('escalate_command') && role === 'hr_admin';
  if (escalation && intent !== 'incident') {
    intent = 'incident';
    ruled.intent = true;
    decisions.push({ name: 'escalate_command', effect: 'intent=incident' });
  }

  // --- category
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
  let adjusted: string | undefined;
  const problem = intent === 'incident' || (intent === 'human' && category !== 'other');
  if (intent === 'question' || intent === 'smalltalk' || (intent === 'human' && !problem)) {
    severity = 'P3';
  } else if (intent === 'request') {
    const urgent = has('urgency_blocked') || has('urgency_deadline');
    severity = urgent && severityRank(severity) <= 2 ? 'P2' : 'P3';
  } else if (severity === 'P3') {
    severity = 'P2';
    adjusted = 'a report of something broken is at least P2';
  }

  // P0 needs explicit evidence (a floor below sets it again when there is some); a model guess alone
  // cannot page someone at night.
  if (severity === 'P0') {
    severity = 'P1';
    adjusted = 'the text model leaned P0 but P0 needs an explicit company-wide, breach or mass-report signal';
  }
  // P1 means more than one person, money on payday, a deadline or an attack (DESIGN §3). With no
  // such word, or with "everyone else got it", the model's P1 is one person's problem: P2.
  if (severity === 'P1' && (!P1_EVIDENCE.some((name) => has(name)) || has('scope_self'))) {
    severity = 'P2';
    adjusted = has('scope_self')
      ? (signals.find((x) => x.name === 'scope_self')?.reason ?? 'only the writer is affected')
      : 'nothing says more than one person is affected, nor a deadline, payday or attack';
  }

  // --- severity: floors from explicit signals
  const floor = (to: Severity, name: SignalName, why: boolean, ...with_: SignalName[]) => {
    if (!why) return;
    const together = [name, ...with_]
      .map((n) => signals.find((x) => x.name === n))
      .filter((x) => x !== undefined);
    const reason = together
      .map((x) => (x.reason.includes(x.match) ? x.reason : `${x.reason} ("${x.match}")`))
      .join(' and ');
    if (severityRank(to) < severityRank(severity)) {
      severity = moreSevere(severity, to);
      ruled.severity = true;
      decisions.push({ name, effect: `severity≥${to}`, reason });
    } else if (!decisions.some((d) => d.name === name)) {
      decisions.push({ name, effect: `supports ${to}`, reason });
    }
  };
  const firstOf = (...names: SignalName[]) => names.filter((n) => has(n)).slice(0, 1);
  floor('P0', 'security_breach', breach);
  floor('P0', 'scope_company', problem && companyOutage, ...firstOf('outage', 'money'));
  floor(
    'P0',
    'scope_company',
    problem &&
      category === 'payroll' &&
      has('scope_company') &&
      !hypothetical &&
      (has('urgency_payday') || has('money')),
    ...firstOf('urgency_payday', 'money'),
  );
  floor('P0', 'reporters', problem && reporters >= MASS_INCIDENT_P0_REPORTERS);
  floor('P1', 'scope_group', problem && has('scope_group'));
  floor('P1', 'scope_count', problem && has('scope_count') && category !== 'report');
  // A failed feed between systems stops a process (payroll, month-end close) for everyone it feeds.
  floor(
    'P1',
    'urgency_deadline',
    problem && category === 'integration' && has('outage') && has('urgency_deadline') && !has('workaround'),
    'outage',
  );
  floor('P1', 'security_compromise', problem && compromise);
  floor(
    'P1',
    'urgency_payday',
    problem && category === 'payroll' && has('urgency_payday'),
    ...firstOf('money'),
  );
  floor('P1', 'role_hr_admin', problem && category === 'payroll' && role === 'hr_admin');
  floor('P1', 'escalate_command', escalation);
  floor('P1', 'reporters', problem && reporters >= MASS_INCIDENT_P1_REPORTERS);

  const confidence = {
    intent: ruled.intent
      ? Math.max(RULE_CONFIDENCE, pIntent[INTENTS.indexOf(intent)])
      : pIntent[INTENTS.indexOf(intent)],
    category: ruled.category
      ? Math.max(RULE_CONFIDENCE, pCategory[CATEGORIES.indexOf(category)])
      : pCategory[CATEGORIES.indexOf(category)],
    severity: ruled.severity
      ? Math.max(RULE_CONFIDENCE, pSeverity[SEVERITIES.indexOf(severity)])
      : pSeverity[SEVERITIES.indexOf(severity)],
  };
  const outSignals: TriageSignal[] = signals.map((s) => {
    const effects = decisions.filter((d) => d.name === s.name).map((d) => d.effect);
    return effects.length > 0
      ? { name: s.name, match: s.match, effect: effects.join(', ') }
      : { name: s.name, match: s.match };
  });
  return {
    intent,
    severity,
    category,
    rationale: explain({ intent, severity, category }, signals, decisions, ruled, confidence, adjusted),
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
  adjusted: string | undefined,
): string {
  const reasonOf = (name: string) => signals.find((s) => s.name === name)?.reason ?? name;
  // The signals whose floor is the final severity decided it, whether they raised it or the model
  // had already got there.
  const severityBy = decisions.filter(
    (d) => d.effect === `severity≥${result.severity}` || d.effect === `supports ${result.severity}`,
  );
  let first: string;
  if (severityBy.length > 0) {
    const reasons = [...new Set(severityBy.map((d) => d.reason ?? reasonOf(d.name)))];
    first = `${SEVERITY_WORDS[result.severity]} because ${reasons.join(' and ')}.`;
  } else if (result.intent === 'question' || result.intent === 'smalltalk') {
    first = `${SEVERITY_WORDS[result.severity]}: a ${result.intent === 'question' ? 'how-to or information question' : 'greeting or small talk'} with no urgency.`;
  } else if (result.intent === 'request' && result.severity === 'P3') {
    first = `${SEVERITY_WORDS[result.severity]}: a request with no stated urgency.`;
  } else if (result.intent === 'human' && result.severity === 'P3') {
    first = `${SEVERITY_WORDS[result.severity]}: the user asks for a person and states no problem.`;
  } else {
    const support = decisions.filter((d) => d.effect.startsWith('supports')).map((d) => reasonOf(d.name));
    const noted = signals
      .filter((s) => ['workaround', 'urgency_deadline', 'urgency_blocked', 'money', 'legal'].includes(s.name))
      .map((s) => s.reason);
    const why = [...new Set([...support, ...noted])];
    const source = adjusted
      ? `${SEVERITY_WORDS[result.severity]}: ${adjusted}`
      : `${SEVERITY_WORDS[result.severity]} from the text model (${Math.round(confidence.severity * 100)}%)`;
    first = `${source}${why.length > 0 ? `; signals: ${why.join(', ')}` : adjusted ? '' : '; no scope, security or payday signal raised it'}.`;
  }
  const ruleFor = (prefix: string) => {
    const d = decisions.find((x) => x.effect.startsWith(prefix));
    return d ? ` because ${reasonOf(d.name)}` : '';
  };
  const intentPart = `intent ${result.intent}${ruled.intent ? ruleFor('intent=') : ''}`;
  const categoryPart = `category ${result.category}${ruled.category ? ruleFor('category=') : ''}`;
  return `${first} ${intentPart[0].toUpperCase()}${intentPart.slice(1)}; ${categoryPart}.`;
}
