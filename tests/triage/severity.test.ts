/**
 * Severity as impact × scope × urgency, on messages written for this test in the tones the issue
 * names (calm, question, FYI, emoji, mixed zh-en, terse) — none taken from a labelled set.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/triage/classify.ts';
import { P0_LEAN, rateSeverity, SELF_P0, STRONG_P0, scopeLevel } from '../../src/triage/severity.ts';
import { detectSignals } from '../../src/triage/signals.ts';

type Case = [text: string, severity: string, role?: string];

const sev = (text: string, role?: string) => classify({ text, role }).severity;

describe('P0: scope given by counts, lists or collective phrases, whatever the tone', () => {
  it.each<Case>([
    ['hey, is Workday down? roughly 1.5k folks in ops cannot log in since 8am', 'P0'],
    ['广州、武汉、西安的同事都说OA登不上，一直报错', 'P0'],
    ['大概有上千人打不了卡了 🙃', 'P0'],
    ['Not sure if this is a big deal, but everyone I have talked to today is locked out of email', 'P0'],
    ['all remote staff lost the VPN this morning, nobody can work', 'P0'],
    ['FYI the Tokyo and Seoul offices cannot reach any internal system since the network change', 'P0'],
    ['finance, legal and procurement cannot open the expense tool at all today', 'P0'],
    ['远程办公的同事基本都连不上VPN，怎么回事？', 'P0'],
  ])('%s → %s', (text, severity, role) => {
    expect(sev(text, role)).toBe(severity);
  });
});

describe('P0: breaches told as a mishap, a question or an FYI', () => {
  it.each<Case>([
    ['oops, I opened an attachment and now my files end in .locked and there is a ransom note 😬', 'P0'],
    ['a bunch of us typed our passwords into that fake benefits login page this morning, is that bad?', 'P0'],
    ["someone posted a spreadsheet with everybody's bank account numbers in the #general channel", 'P0'],
    ['the API key we leaked last week is being used right now to pull employee records', 'P0'],
    ['请问一下，公司大群里有人发了个表格，里面有全体员工的身份证号，要不要处理？', 'P0'],
    ['我打开工资条看到的是别人的姓名和工资，同组两个同事也一样', 'P0'],
  ])('%s → %s', (text, severity, role) => {
    expect(sev(text, role)).toBe(severity);
  });
});

describe('P0: payroll wrong or missing for many on payday, with no 全员 word', () => {
  it.each<Case>([
    ["it's payday and about 900 people got nothing in their accounts", 'P0', 'hr_admin'],
    ['今天发薪，武汉和成都两个分公司的工资都没到账', 'P0', 'hr_admin'],
    ["today's payroll paid the Wuhan and Chengdu entities twice", 'P0', 'hr_admin'],
    ['今天是个税申报最后一天，集团三个主体都报不上去', 'P0', 'hr_admin'],
  ])('%s → %s', (text, severity, role) => {
    expect(sev(text, role)).toBe(severity);
  });
});

describe('P0: counts of small units, lists of numbered buildings, counts outside the scope phrase, several accounts taken over', () => {
  it.each<Case>([
    ['三家门店的排班系统从早上开始都打不开', 'P0'],
    ['fyi the time clocks on 3 shifts at the plant stopped syncing and nobody on them can clock in', 'P0'],
    ['1栋2栋3栋的门禁今天都刷不了卡', 'P0'],
    ['今天发薪，整个仓储部工资全少发了，一共两百多人', 'P0'],
    [
      'my mailbox sent hundreds of emails I never wrote, and two teammates say their accounts did the same, were we hacked?',
      'P0',
    ],
  ])('%s → %s', (text, severity, role) => {
    expect(sev(text, role)).toBe(severity);
  });
  it('keeps two stores a group and one compromised account P1', () => {
    expect(scopeLevel(detectSignals('两家门店的排班系统从早上开始都打不开'))).toBe(2);
    expect(scopeLevel(detectSignals('三家门店的排班系统从早上开始都打不开'))).toBe(3);
    expect(sev('got a text that my password was reset and it was not me')).toBe('P1');
  });
});

describe('not P0: one site, one person, a workaround, a question', () => {
  it.each<Case>([
    ['the Lyon office cannot clock in since this morning, the other sites are fine', 'P1'],
    ['整个客服部今天都登不上系统，别的部门正常', 'P1'],
    ['my payslip is short by about 200 this month, no rush', 'P2'],
    ['clock-in app crashes on my phone, the web page works', 'P2'],
    ['everyone got logged out once after the update but logging back in works', 'P2'],
    ['how do I report a phishing email?', 'P3'],
    ["can I get an export of everyone's leave balances for the audit next month?", 'P3', 'hr_admin'],
    ['谢谢，全部门都说这个机器人好用', 'P3'],
  ])('%s → %s', (text, severity, role) => {
    expect(sev(text, role)).toBe(severity);
  });
});

describe('the rationale names what decided', () => {
  it('names scope, impact and urgency for a payroll P0', () => {
    const r = classify({ text: '今天发薪，武汉和成都两个分公司的工资都没到账', role: 'hr_admin' });
    expect(r.severity).toBe('P0');
    expect(r.rationale).toMatch(/武汉和成都/);
    expect(r.rationale).toMatch(/pay has not arrived|payday|today/);
  });

  it('says why a borderline case is P0 when the text model leans there (P0_LEAN), and not when only the writer is affected', () => {
    const rate = (text: string, pP0: number) =>
      rateSeverity({
        signals: detectSignals(text),
        intent: 'incident',
        category: 'attendance',
        role: 'employee',
        reporters: 0,
        hypothetical: false,
        pSeverity: [pP0, 0.95 - pP0, 0.05, 0],
      });
    // One whole site is DESIGN §3's P1 row ("the Shanghai office can't clock in") unless the model is sure.
    const site = '整个仓库的人都打不了卡';
    expect(rate(site, P0_LEAN - 0.05).severity).toBe('P1');
    expect(rate(site, P0_LEAN + 0.05).severity).toBe('P1');
    expect(rate('Clock-in fails in the Shanghai office', STRONG_P0 - 0.05).severity).toBe('P1');
    expect(rate('Clock-in fails in the Shanghai office', STRONG_P0 + 0.05).severity).toBe('P0');

    // Several sites, but "writing times on paper" names no failure word the rules know: the model decides.
    expect(
      rate('the Austin, Denver and Raleigh kiosks show a license notice, we write times on paper', 0.35)
        .severity,
    ).toBe('P0');
    // No scope rule fired: the model's lean still decides, and says so.
    const unknown = rate('HQ tower network is dead, printers and desk phones too', 0.4);
    expect(unknown.severity).toBe('P0');
    expect(unknown.decisions.find((d) => d.name === 'model')?.reason).toMatch(
      /nothing limits it to one person/,
    );
    // Only the writer, or a workaround: the lean does not apply.
    expect(rate('my laptop will not boot, everyone else is fine', SELF_P0 - 0.05).severity).not.toBe('P0');
    // …unless the model is sure: breaches are told as one person's mishap.
    const mishap = 'uh I think I messed up, typed my pw on the page the mail opened';
    expect(rate(mishap, SELF_P0 - 0.05).severity).not.toBe('P0');
    expect(rate(mishap, SELF_P0 + 0.05).severity).toBe('P0');
    expect(rate('整个仓库的人都打不了卡，先用纸质签到顶着', STRONG_P0 - 0.05).severity).not.toBe('P0');
    // A stopgap does not hold back a model that is sure (STRONG_P0), nor does one named site: a
    // model that sure has read more than the rules did.
    expect(rate('整个仓库的人都打不了卡，先用纸质签到顶着', STRONG_P0 + 0.05).severity).toBe('P0');
  });

  it('keeps a problem the text model reads as severe at P1 though no rule found more than one person (KEEP_P1)', () => {
    const rate = (pSeverity: number[]) =>
      rateSeverity({
        signals: detectSignals('the approval flow is broken'),
        intent: 'incident',
        category: 'org_change',
        role: 'employee',
        reporters: 0,
        hypothetical: false,
        pSeverity,
      }).severity;
    expect(rate([0.1, 0.6, 0.3, 0])).toBe('P1');
    expect(rate([0.05, 0.3, 0.6, 0.05])).toBe('P2');
  });

  it('ranks scope levels', () => {
    expect(scopeLevel(detectSignals('全公司'))).toBe(4);
    expect(scopeLevel(detectSignals('two people on my team cannot clock in'))).toBe(1);
    expect(scopeLevel(detectSignals('my laptop will not boot'))).toBe(0);
    expect(scopeLevel(detectSignals('the VPN keeps dropping'))).toBe(-1);
  });
});

describe('a thread re-classified as one text raises severity when scope grows', () => {
  it('"Shenzhen too" after a Shanghai report makes it several cities', () => {
    const first = classify({ text: '上海办公室打不了卡了' });
    const thread = classify({
      text: ['上海办公室打不了卡了', '深圳和北京办公室也一样，都打不了'].join('\n'),
    });
    expect(['P1', 'P2']).toContain(first.severity);
    expect(thread.severity).toBe('P0');
  });
});

describe('drills and training are not incidents; real attacks mentioned beside them are', () => {
  it.each<Case>([
    ["was this morning's email a phishing simulation? I clicked it", 'P3'],
    ['phishing campaign hit several teams today, at least 12 people entered their passwords', 'P0'],
    ['during the security training I noticed my files are being encrypted and renamed to .locked', 'P0'],
  ])('%s → %s', (text, severity) => {
    const r = classify({ text });
    if (severity === 'P3') expect(r.signals.map((s) => s.name)).not.toContain('security_breach');
    else expect(r.severity).toBe(severity);
  });
});
