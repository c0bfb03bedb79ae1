import { describe, expect, it } from 'vitest';
import { excerpt } from '../../src/assistant/answer/excerpt.ts';
import { extractiveAnswer, MAX_ANSWER } from '../../src/assistant/answer/extractive.ts';
import { rankSentences, splitSentences } from '../../src/assistant/answer/sentences.ts';
import { answerQuestion } from '../../src/assistant/answer-question.ts';
import { detectLang } from '../../src/assistant/language.ts';
import { isSmallTalk } from '../../src/assistant/small-talk.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { passage, SAMPLE } from '../support/passages.ts';

const kb = new KnowledgeBase(SAMPLE, { synonyms: DEFAULT_SYNONYMS });

describe('excerpt', () => {
  it('quotes a short passage whole', () => {
    expect(excerpt('一句话。', '问题')).toBe('一句话。');
  });

  it('picks the paragraphs that match the question from a long passage', () => {
    const long = [
      'Intro about the company and its many offices around the world.'.repeat(4),
      'To reset your password open the SSO portal and choose Forgot password.',
      'Unrelated closing remarks about office plants and coffee machines.'.repeat(4),
    ].join('\n\n');
    const e = excerpt(long, 'how do I reset my password', 200);
    expect(e).toContain('reset your password');
    expect(e.length).toBeLessThanOrEqual(201);
  });

  it('cuts an overlong paragraph at a sentence end', () => {
    const e = excerpt(`${'这是一个很长的句子。'.repeat(100)}`, '句子', 100);
    expect(e.endsWith('。…')).toBe(true);
  });
});

describe('sentence-level answers', () => {
  const statute = passage({
    source: 'law.md',
    title: '职工带薪年休假条例',
    text: [
      '第二条 机关、团体、企业、事业单位的职工连续工作1年以上的，享受带薪年休假。单位应当保证职工享受年休假。',
      '职工在年休假期间享受与正常工作期间相同的工资收入。',
      '第三条 职工累计工作已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天；已满20年的，年休假15天。',
      '国家法定休假日、休息日不计入年休假的假期。',
      '第四条 职工有下列情形之一的，不享受当年的年休假：',
      '(一)职工依法享受寒暑假，其休假天数多于年休假天数的；',
      '(二)职工请事假累计20天以上且单位按照规定不扣工资的；',
    ].join('\n\n'),
  });
  const result = (q: string) => ({
    query: q,
    answerable: true,
    confidence: 1,
    results: [{ passage: statute, score: 1 }],
  });

  it('splits on sentence ends and lines, keeping each sentence verbatim', () => {
    const s = splitSentences('第一句。第二句！\n\nThird one. Fourth? 1.5 days stays whole.');
    expect(s).toEqual(['第一句。', '第二句！', 'Third one.', 'Fourth?', '1.5 days stays whole.']);
  });

  it('does not end a sentence at an abbreviation (ie., e.g., Dr.)', () => {
    expect(splitSentences('Vesting starts now - ie. there is no cliff. Use e.g. this one.')).toEqual([
      'Vesting starts now - ie. there is no cliff.',
      'Use e.g. this one.',
    ]);
  });

  it('joins hard-wrapped prose lines but never a list item, heading or statute clause', () => {
    const s = splitSentences(
      'You can take a 30-minute or one-hour lunch\nbreak. Lunch breaks are unpaid, so\nplan for it.\n- First item\n- Second\n## Heading\n第一条 总则\n（一）甲；\n（二）乙。',
    );
    expect(s).toEqual([
      'You can take a 30-minute or one-hour lunch break.',
      'Lunch breaks are unpaid, so plan for it.',
      '- First item',
      '- Second',
      '## Heading',
      '第一条 总则',
      '（一）甲；',
      '（二）乙。',
    ]);
  });

  it("leads with the sentence that carries the question's words and the amount it asks for", () => {
    const reply = extractiveAnswer(
      '我上班5年了 一年能休几天年假',
      result('我上班5年了 一年能休几天年假'),
      'zh',
    );
    expect(reply.text.startsWith('第三条 职工累计工作已满1年不满10年的，年休假5天')).toBe(true);
    expect(reply.text.length).toBeLessThanOrEqual(MAX_ANSWER + 40);
    expect(rankSentences('休息日算不算进年假', result('').results, ['年休假'])[0].text).toBe(
      '国家法定休假日、休息日不计入年休假的假期。',
    );
  });

  it('brings the items of a list its lead sentence opens', () => {
    const reply = extractiveAnswer('什么情形不享受当年的年休假', result('什么情形不享受当年的年休假'), 'zh');
    expect(reply.text).toContain('第四条 职工有下列情形之一的，不享受当年的年休假：\n(一)');
  });

  it('brings the answer of an FAQ question it leads with', () => {
    const faq = {
      ...statute,
      text: 'Accidentally used your personal card for a work expense? Claim a reimbursement on Brex within 90 days.\nOther text about travel.',
    };
    const q = 'used my personal card for a work thing by mistake';
    const reply = extractiveAnswer(
      q,
      { query: q, answerable: true, confidence: 1, results: [{ passage: faq, score: 1 }] },
      'en',
    );
    // Quoted as the passage has it: question and answer on one line, one citation.
    expect(reply.text).toContain('work expense? Claim a reimbursement on Brex within 90 days.');
    expect(reply.citations).toHaveLength(1);
  });
});

describe('extractive answers', () => {
  it("answers with the passage's answering sentence and numbered citations", async () => {
    const result = await kb.search('怎么请年假');
    const reply = extractiveAnswer('怎么请年假', result, 'zh');
    expect(reply.action).toBe('answered');
    expect(reply.text.startsWith('登录 e-HR，进入 我的假期 → 申请')).toBe(true);
    expect(reply.text).toContain('[1]');
    expect(reply.citations[0]).toMatchObject({
      n: 1,
      source: 'zh/leave.md',
      title: '如何申请年假',
      heading: '操作步骤',
    });
    expect(reply.buttons.map((b) => b.action)).toEqual(['feedback_up', 'feedback_down', 'handoff']);
  });

  it('declines with "I don\'t know" and the offer of a ticket when not answerable', async () => {
    const { reply } = await answerQuestion({ kb }, 'what is on the cafeteria menu today');
    expect(reply.action).toBe('clarify');
    expect(reply.text).toMatch(/I don't know this one/);
    expect(reply.text).toMatch(/talk to a human/);
    expect(reply.citations).toEqual([]);
    expect(reply.buttons).toEqual([expect.objectContaining({ action: 'handoff' })]);
  });

  it('declines in Chinese for a Chinese question', async () => {
    const { reply } = await answerQuestion({ kb }, '公司下午茶是每周几');
    expect(reply.text).toContain('转人工');
    expect(reply.lang).toBe('zh');
  });

  it('greets and explains what it can do for small talk, without searching', async () => {
    const { reply, search } = await answerQuestion({ kb }, '你好');
    expect(reply.action).toBe('clarify');
    expect(search).toBeUndefined();
    expect(isSmallTalk('hello!')).toBe(true);
    expect(isSmallTalk('hello, my VPN is broken')).toBe(false);
  });

  it('answers in the language of the question', async () => {
    const { reply: en } = await answerQuestion({ kb }, 'where can I see my payslip');
    expect(en.lang).toBe('en');
    expect(en.citations[0].source).toBe('en/payslip.md');
    expect(detectLang('VPN 连不上')).toBe('zh');
  });
});
