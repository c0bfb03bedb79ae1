/**
 * The LLM second opinion through the real `openai` client against the local OpenAI-compatible
 * stand-in: valid opinions combined, and every way the model can fail falling back to the offline
 * result within the budget.
 */
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { OpenAiChatModel } from '../../src/llm/openai-chat.ts';
import { openAiClient } from '../../src/llm/openai-client.ts';
import { classify } from '../../src/triage/classify.ts';
import {
  classifyMessages,
  classifyWithLlm,
  explicitFloor,
  type LlmTriageReport,
  parseOpinion,
} from '../../src/triage/llm-classify.ts';
import { triageLlmMetrics } from '../../src/triage/llm-metrics.ts';
import { recordingIo } from '../support/cli-io.ts';
import { type OpenAiStandIn, startOpenAiStandIn } from '../support/openai-stand-in.ts';

let standIn: OpenAiStandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: 'test-key' });
});
beforeEach(() => standIn.reset());
afterAll(() => standIn.close());

const llm = (timeoutMs = 2000) =>
  new OpenAiChatModel(
    openAiClient({ baseURL: standIn.url, apiKey: 'test-key', timeoutMs, maxRetries: 0 }),
    'helpline-triage',
  );
const opinion =
  (o: Record<string, unknown>): (() => string) =>
  (): string =>
    JSON.stringify(o);

const COMPANY_OUTAGE = '考勤系统宕机了，全公司都打不了卡';
const QUIET_P0 =
  'hey, quick one: about 40 of us in the Lagos office typed our SSO passwords into a fake page';

describe('classifyWithLlm', () => {
  it('asks with the prompt file, JSON mode, temperature 0, and the message with PII masked', async () => {
    standIn.reply = opinion({
      intent: 'incident',
      severity: 'P2',
      category: 'payroll',
      rationale: 'one person',
    });
    await classifyWithLlm({ text: '我的工资少了，手机13812345678', role: 'employee' }, llm());
    const [req] = standIn.chatRequests();
    expect(req).toMatchObject({
      model: 'helpline-triage',
      temperature: 0,
      response_format: { type: 'json_object' },
    });
    expect(req.messages[0].content).toMatch(/impact × scope × urgency/);
    expect(req.messages[1].content).not.toContain('13812345678');
    expect(req.messages[1].content).toMatch(/Reporter role: employee/);
  });

  it('agreeing: the offline result, the rationale says the LLM agrees', async () => {
    const offline = classify({ text: COMPANY_OUTAGE });
    standIn.reply = opinion({ ...pick(offline), rationale: 'Clock-in is down for the whole company.' });
    const r = await classifyWithLlm({ text: COMPANY_OUTAGE }, llm());
    expect(r.llm).toMatchObject({ outcome: 'agreed', disagreements: [] });
    expect(pick(r)).toEqual(pick(offline));
    expect(r.rationale).toMatch(/agrees/);
    expect(r.signals.at(-1)).toMatchObject({ name: 'llm_opinion', effect: 'agrees' });
  });

  it('never lowers a severity an explicit signal set, and says so', async () => {
    standIn.reply = opinion({
      intent: 'incident',
      severity: 'P2',
      category: 'attendance',
      rationale: 'Some users.',
    });
    const r = await classifyWithLlm({ text: COMPANY_OUTAGE }, llm());
    expect(r.severity).toBe('P0');
    expect(r.llm).toMatchObject({ outcome: 'disagreed', disagreements: ['severity'] });
    expect(r.rationale).toMatch(/LLM second opinion differs \(severity P2\)/);
    expect(r.rationale).toMatch(/Kept P0: an explicit signal holds/);
  });

  it('takes the LLM severity where no explicit signal holds, naming the offline rating', async () => {
    const text = 'the onboarding flow looks weird today, new hires keep asking me about it';
    const offline = classify({ text });
    expect(explicitFloor(offline)).toBeUndefined();
    standIn.reply = opinion({
      intent: 'incident',
      severity: 'P1',
      category: 'org_change',
      rationale: 'New hires are blocked.',
    });
    const r = await classifyWithLlm({ text }, llm());
    expect(r.severity).toBe('P1');
    expect(r.category).toBe('org_change');
    expect(r.rationale).toMatch(/^P1 \(high\) from the LLM second opinion: "New hires are blocked\."/);
    expect(r.rationale).toContain(`The offline rating was ${offline.severity}`);
  });

  it('keeps an intent an explicit rule set ("转人工") and makes a question P3', async () => {
    standIn.reply = opinion({
      intent: 'question',
      severity: 'P3',
      category: 'leave',
      rationale: 'Asks about leave.',
    });
    const r = await classifyWithLlm({ text: '转人工，我的年假余额不对' }, llm());
    expect(r.intent).toBe('human');
    standIn.reply = opinion({ intent: 'question', severity: 'P1', category: 'leave', rationale: 'x' });
    const q = await classifyWithLlm({ text: 'how many days of annual leave do I get' }, llm());
    expect(q.severity).toBe('P3');
  });

  it('accepts a fenced or chatty JSON reply and lenient label case', async () => {
    standIn.reply = () =>
      'Here you go:\n```json\n{"intent":"Incident","severity":"p0","category":"Security","rationale":"Many credentials phished."}\n```';
    const r = await classifyWithLlm({ text: QUIET_P0 }, llm());
    expect(r.llm.outcome).not.toMatch(/malformed|refused|failed|timeout/);
    expect(r.severity).toBe('P0');
    expect(r.category).toBe('security');
  });

  it.each([
    ['not JSON', (): string => 'Severity: P1, category payroll', 'malformed'],
    [
      'a label outside the schema',
      opinion({ intent: 'incident', severity: 'P5', category: 'payroll', rationale: 'x' }),
      'malformed',
    ],
    ['a missing field', opinion({ intent: 'incident', severity: 'P1', category: 'payroll' }), 'malformed'],
    ['a refusal', (): string => "I'm sorry, but I can't help with that request.", 'refused'],
  ] as const)('falls back to the offline result on %s', async (_what, reply, outcome) => {
    standIn.reply = reply;
    const text = 'payroll for my team is wrong this month';
    const r = await classifyWithLlm({ text, role: 'hr_admin' }, llm());
    expect(r.llm.outcome).toBe(outcome);
    expect(pick(r)).toEqual(pick(classify({ text, role: 'hr_admin' })));
    expect(r.signals.at(-1)).toMatchObject({ name: 'llm_opinion', match: outcome });
  });

  it('falls back on an HTTP error without retrying', async () => {
    standIn.failNext({ status: 500 });
    const r = await classifyWithLlm({ text: COMPANY_OUTAGE }, llm());
    expect(r.llm.outcome).toBe('failed');
    expect(r.severity).toBe('P0');
    expect(standIn.requests).toHaveLength(1);
  });

  it('falls back within the budget when the model is slow', async () => {
    standIn.delayMs = 3000;
    standIn.reply = opinion({ intent: 'incident', severity: 'P3', category: 'other', rationale: 'late' });
    const started = performance.now();
    const r = await classifyWithLlm({ text: COMPANY_OUTAGE }, llm(5000), { budgetMs: 300 });
    const elapsed = performance.now() - started;
    expect(r.llm.outcome).toBe('timeout');
    expect(r.severity).toBe('P0');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1000);
  });

  it('reports every outcome and disagreement to Prometheus counters', async () => {
    const registry = new Registry();
    const reports: LlmTriageReport[] = [];
    const count = triageLlmMetrics(registry);
    const onReport = (r: LlmTriageReport) => {
      reports.push(r);
      count(r);
    };
    standIn.reply = opinion({ intent: 'incident', severity: 'P2', category: 'device', rationale: 'x' });
    await classifyWithLlm({ text: COMPANY_OUTAGE }, llm(), { onReport });
    standIn.failNext({ status: 503 });
    await classifyWithLlm({ text: COMPANY_OUTAGE }, llm(), { onReport });
    expect(reports.map((r) => r.outcome)).toEqual(['disagreed', 'failed']);
    const text = await registry.metrics();
    expect(text).toMatch(/helpline_triage_llm_total\{outcome="disagreed"\} 1/);
    expect(text).toMatch(/helpline_triage_llm_total\{outcome="failed"\} 1/);
    expect(text).toMatch(/helpline_triage_llm_total\{outcome="timeout"\} 0/);
    expect(text).toMatch(/helpline_triage_llm_disagreements_total\{field="severity"\} 1/);
    expect(text).toMatch(/helpline_triage_llm_disagreements_total\{field="category"\} 1/);
  });
});

describe('parseOpinion', () => {
  it('names the schema fields that failed, never the text', () => {
    expect(
      parseOpinion('{"intent":"rant","severity":"P1","category":"payroll","rationale":"r"}'),
    ).toMatchObject({
      outcome: 'malformed',
      error: expect.stringContaining('intent'),
    });
    expect(classifyMessages({ text: 'x', reporters: 4 })[1].content).toMatch(/Distinct reporters .*: 4/);
  });
});

describe('helpline classify with OPENAI_BASE_URL set', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('adds the second opinion and keeps the JSON contract', async () => {
    process.env.OPENAI_BASE_URL = standIn.url;
    process.env.OPENAI_API_KEY = 'test-key';
    process.env.HELPLINE_CHAT_MODEL = 'helpline-triage';
    standIn.reply = opinion({
      intent: 'incident',
      severity: 'P0',
      category: 'attendance',
      rationale: 'Everyone.',
    });
    const t = recordingIo();
    expect(await main(['classify', '--json', COMPANY_OUTAGE], t)).toBe(0);
    const out = JSON.parse(t.stdout.join(''));
    expect(Object.keys(out)).toEqual(['intent', 'severity', 'category', 'rationale', 'signals']);
    expect(out.signals.at(-1)).toMatchObject({ name: 'llm_opinion', effect: 'agrees' });
    expect(standIn.chatRequests()[0].model).toBe('helpline-triage');
  });

  it('falls back line by line in --jsonl and says so on stderr; --offline never calls the model', async () => {
    process.env.OPENAI_BASE_URL = standIn.url;
    process.env.OPENAI_API_KEY = 'test-key';
    standIn.reply = () => 'no json here';
    const t = recordingIo(['全公司打不了卡', 'how do I request leave']);
    expect(await main(['classify', '--jsonl'], t)).toBe(0);
    expect(t.stdout.map((l) => JSON.parse(l).severity)).toEqual(['P0', 'P3']);
    expect(t.stderr.join('\n')).toMatch(/malformed/);
    const before = standIn.requests.length;
    expect(await main(['classify', '--offline', '--json', '全公司打不了卡'], recordingIo())).toBe(0);
    expect(standIn.requests.length).toBe(before);
  });
});

function pick(r: { intent: string; severity: string; category: string }) {
  return { intent: r.intent, severity: r.severity, category: r.category };
}
