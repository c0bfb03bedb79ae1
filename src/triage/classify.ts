/**
 * Offline triage: the statistical models propose intent, severity and category; explicit signals
 * (scope, impact, urgency, security, role) then decide intent and category where a rule is certain,
 * and severity is rated as impact × scope × urgency by severity.ts. Explicit P0 evidence (a breach,
 * an outage across sites or hundreds of people, payroll wrong or unpaid at scale on payday, many
 * distinct reporters) always holds.
 *
 * Re-triage of a conversation (issue 10, item 4) needs no other entry point: classify the thread as
 * one message — the reporters' messages joined in order with "\n", `reporters` = distinct reporters —
 * and raise the ticket when the result is more severe than its current severity (lowering stays a
 * human decision). Scope or urgency added later ("Shenzhen too", "now 50 people") then counts.
 */
import { CONDUCT } from './conduct.ts';
import { findCounts } from './counts.ts';
import { normalizeText } from './features.ts';
import { argmax } from './model.ts';
import { hasWords } from './readable.ts';
import { type Decision, MASS_INCIDENT_P1_REPORTERS, rateSeverity } from './severity.ts';
import { type DetectedSignal, detectSignals, hasSignal, type SignalName } from './signals.ts';
import { getTriageModel, messageFeatures, type TriageModel } from './triage-model.ts';
import {
  CATEGORIES,
  type Category,
  INTENTS,
  type Intent,
  ROLES,
  SEVERITIES,
  type Severity,
  type TriageInput,
  type TriageResult,
  type TriageSignal,
} from './types.ts';

export { MASS_INCIDENT_P0_REPORTERS, MASS_INCIDENT_P1_REPORTERS } from './severity.ts';

/**
 * P0 + P1 probability from the severity model from which a question or request that names something
 * broken is handled as an incident (chosen by cross-validation, see README, Triage).
 */
export const INTENT_LIFT = 0.5;
/**
 * P0 probability from which a question is handled as an incident whatever its words ("BI看板怎么变成
 * 公开链接了？…能看到各部门薪资": a breach asked about). Not requests: "can I get a report on our 1,200
 * hires" names a count the model links with P0 and asks for work, not help.
 */
export const INTENT_LIFT_P0 = 0.6;

/**
 * A question asking for a rate, an amount or a rule ("三地的公积金比例分别是多少", "how many days of leave
 * do new starters get"): information, however many sites it names.
 */
const ASKS_FOR_A_FIGURE =
  /(?:是|为|有)?多少|比例|标准是|怎么算|怎么计算|\b(?:what(?:'s| is| are) the (?:rates?|policy|rules?|limits?|percentages?|amounts?)|how much|how many days)\b/u;

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

/** Signals that something is broken, wrong or exposed (not merely asked for). */
const BROKEN_SIGNALS: SignalName[] = [
  'outage',
  'money',
  'pay_failed',
  'filing_failed',
  'security_breach',
  'security_compromise',
  'urgency_blocked',
];

const GREETING_OR_LAUGH =
  /^(?:hi|hello|hey|yo|morning|good (?:morning|evening|afternoon)|你好|哈喽|早|早上好|晚上好|lol|haha|哈哈)$/u;

/** "Hi, my laptop battery is bulging …", "定位飘到隔壁城市了 哈哈 就我一个": a greeting or a laugh
 * around a message about something is not small talk. */
function greetingBeforeContent(text: string, signals: readonly DetectedSignal[]): boolean {
  const cue = signals.find((s) => s.name === 'smalltalk_cue');
  if (!cue || !GREETING_OR_LAUGH.test(cue.match)) return false;
  const words = (text.match(/\p{Script=Han}|[A-Za-z0-9']+/gu) ?? []).length;
  return words > 8;
}

function normalizeRole(role: string | undefined): string {
  return role && (ROLES as readonly string[]).includes(role) ? role : 'employee';
}

export function classify(input: TriageInput, model: TriageModel = getTriageModel()): TriageResult {
  const text = typeof input.text === 'string' ? input.text : '';
  if (!hasWords(text) && (input.reporters ?? 0) < MASS_INCIDENT_P1_REPORTERS) return noWords();
  const role = normalizeRole(input.role);
  const signals = detectSignals(text, { role, reporters: input.reporters });
  const has = (name: SignalName) => hasSignal(signals, name);
  const features = messageFeatures(text, role, signals, model.options);
  const pIntent = model.intent.predict(features);
  const pSeverity = model.severity.predict(features);
  const pCategory = model.category.predict(features);

  let intent: Intent = INTENTS[argmax(pIntent)];
  let category: Category = CATEGORIES[argmax(pCategory)];
  const decisions: Decision[] = [];
  const ruled = { intent: false, category: false, severity: false };

  // --- intent
  // A rule's effect is recorded even when the model agreed, so the signal shows what it holds.
  if (has('human_request')) {
    if (intent !== 'human') ruled.intent = true;
    intent = 'human';
    decisions.push({ name: 'human_request', effect: 'intent=human' });
  }
  const reporters = input.reporters ?? 0;
  // A hypothetical ("how do I report phishing?") only disarms security/scope words when the model
  // does not itself read the message as a report of something broken.
  const hypothetical = (has('hypothetical') && intent !== 'incident') || has('exercise');
  const breach = has('security_breach') && !hypothetical;
  const companyOutage =
    (has('scope_company') || has('scope_wide')) && (has('outage') || has('money')) && !hypothetical;
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
    !greetingBeforeContent(text, signals) &&
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
    pIntent[INTENTS.indexOf('incident')] < 0.5 &&
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
  // A problem told as a question or a request ("…180个坐席还不知道下周怎么上，请问是有什么调整吗？"):
  // when the severity model reads it as P0/P1 and something is said to be broken, it is an
  // incident, so the question's P3 cap does not hide it.
  // With no word of anything broken, the severity model must itself read it as P0.
  const pHigh = pSeverity[0] + pSeverity[1];
  const asked = intent === 'question' || intent === 'request';
  const modelLift =
    asked &&
    !has('exercise') &&
    ((BROKEN_SIGNALS.some((name) => has(name)) &&
      !hypothetical &&
      pHigh >= (model.options.intentLift ?? INTENT_LIFT)) ||
      (intent === 'question' &&
        !ASKS_FOR_A_FIGURE.test(normalizeText(text)) &&
        pSeverity[0] >= (model.options.intentLiftP0 ?? INTENT_LIFT_P0)));
  // The writer's own pay wrong or missing, however politely asked about, is a problem to fix (DESIGN §3 P2).
  const ownPay = asked && !hypothetical && has('scope_self') && (has('money') || has('pay_failed'));
  const escalation = has('escalate_command') && role === 'hr_admin';
  const lift: Decision | undefined = modelLift
    ? {
        name: 'model',
        effect: 'intent=incident',
        reason: `it names something broken and the severity model reads it as P0/P1 (${Math.round(pHigh * 100)}%)`,
      }
    : ownPay
      ? { name: 'money', effect: 'intent=incident', reason: "the writer's own pay is wrong or missing" }
      : escalation && intent !== 'incident'
        ? { name: 'escalate_command', effect: 'intent=incident' }
        : undefined;
  if (lift) {
    intent = 'incident';
    ruled.intent = true;
    decisions.push(lift);
  }

  // --- category
  if (breach || compromise) {
    if (category !== 'security') ruled.category = true;
    category = 'security';
    decisions.push({ name: breach ? 'security_breach' : 'security_compromise', effect: 'category=security' });
  }
  if (escalation) {
    if (category !== 'payroll') ruled.category = true;
    category = 'payroll';
    decisions.push({ name: 'escalate_command', effect: 'category=payroll' });
  }

  // --- severity: impact × scope × urgency, the model where no rule speaks
  const rating = rateSeverity({
    signals,
    intent,
    category,
    role,
    reporters,
    hypothetical,
    pSeverity,
    p0Lean: model.options.p0Lean,
    keepP1: model.options.keepP1,
    people: findCounts(normalizeText(text))
      .filter((c) => c.kind === 'people' || c.kind === 'accounts')
      .reduce((max, c) => Math.max(max, c.value), 0),
  });
  const severity = rating.severity;
  const adjusted = rating.adjusted;
  decisions.push(...rating.decisions);
  ruled.severity = rating.ruled;
  // The text model knows "security" from leaks and phishing; one person's report about someone's
  // conduct is not one (a harassment report was filed under information security). A wide exposure
  // of such a report (P0/P1) stays security.
  const onePerson = severity === 'P2' || severity === 'P3';
  if (
    onePerson &&
    category === 'security' &&
    !breach &&
    !compromise &&
    !has('security_phishing') &&
    CONDUCT.test(text)
  ) {
    category = 'other';
    ruled.category = true;
    decisions.push({
      name: 'conduct',
      effect: 'category=other',
      reason: "it reports a person's conduct (harassment, bullying, discrimination), an HR matter",
    });
  }

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

/** Nothing to read (symbols, numbers or emoji alone): small talk the assistant asks about. */
function noWords(): TriageResult {
  return {
    intent: 'smalltalk',
    severity: 'P3',
    category: 'other',
    rationale:
      'P3 (low): the message has no words to read (only symbols, numbers or emoji). Intent smalltalk; category other.',
    signals: [],
    confidence: { intent: RULE_CONFIDENCE, severity: RULE_CONFIDENCE, category: RULE_CONFIDENCE },
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
    return d ? ` because ${d.reason ?? reasonOf(d.name)}` : '';
  };
  const intentPart = `intent ${result.intent}${ruled.intent ? ruleFor('intent=') : ''}`;
  const categoryPart = `category ${result.category}${ruled.category ? ruleFor('category=') : ''}`;
  return `${first} ${intentPart[0].toUpperCase()}${intentPart.slice(1)}; ${categoryPart}.`;
}
