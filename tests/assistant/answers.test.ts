import { describe, expect, it } from 'vitest';
import { excerpt } from '../../src/assistant/answer/excerpt.ts';
import { extractiveAnswer } from '../../src/assistant/answer/extractive.ts';
import { answerQuestion } from '../../src/assistant/answer-question.ts';
import { createAssistant } from '../../src/assistant/assistant.ts';
import { detectLang } from '../../src/assistant/language.ts';
import { isSmallTalk } from '../../src/assistant/small-talk.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { SAMPLE } from '../support/passages.ts';

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

describe('extractive answers', () => {
  it('answers with the passage, a lead-in and numbered citations', async () => {
    const result = await kb.search('怎么请年假');
    const reply = extractiveAnswer('怎么请年假', result, 'zh');
    expect(reply.action).toBe('answered');
    expect(reply.text).toContain('根据《如何申请年假》');
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

  it('the assistant answers in the language of the question', async () => {
    const assistant = createAssistant({ kb });
    const en = await assistant.reply({ userId: 'u', threadId: 't', text: 'where can I see my payslip' });
    expect(en.lang).toBe('en');
    expect(en.citations[0].source).toBe('en/payslip.md');
    expect(detectLang('VPN 连不上')).toBe('zh');
  });
});
