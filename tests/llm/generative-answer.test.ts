/** Generated answers: the prompt, PII masking, citation checks and every fallback, with the real client. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { extractiveAnswer } from '../../src/assistant/answer/extractive.ts';
import { answerPrompt, generativeAnswer } from '../../src/assistant/answer/generative.ts';
import { answerButtons, declineReply } from '../../src/assistant/answer/replies.ts';
import { answerQuestion } from '../../src/assistant/answer-question.ts';
import { isHelplineError } from '../../src/errors.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { OpenAiChatModel } from '../../src/llm/openai-chat.ts';
import { openAiClient } from '../../src/llm/openai-client.ts';
import { isChineseId, passesLuhn } from '../../src/privacy/pii.ts';
import { type OpenAiStandIn, startOpenAiStandIn } from '../support/openai-stand-in.ts';
import { passage, resultOf } from './fixtures.ts';

let standIn: OpenAiStandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: 'test-key' });
});
beforeEach(() => standIn.reset());
afterAll(() => standIn.close());

const chat = (timeoutMs?: number) =>
  new OpenAiChatModel(openAiClient({ baseURL: standIn.url, apiKey: 'test-key', timeoutMs }), 'helpline-chat');

const PASSAGES = [
  passage(
    'payroll.md',
    'Payroll',
    'Bank account',
    'To change the bank card your salary is paid to, update it in the HR portal under Pay > Bank details before the 20th.',
  ),
  passage('payroll.md', 'Payroll', 'Pay date', 'Salaries are paid on the last working day of the month.'),
  passage(
    'contacts.md',
    'Contacts',
    'Payroll team',
    'Call the payroll team at 13900001111 or write to payroll@corp.example.',
  ),
  passage(
    'payroll.md',
    'Payroll',
    'Payslips',
    'Payslips are in the HR portal under Pay > Payslips and show the account your salary went to.',
  ),
  passage('travel.md', 'Travel', 'Per diem', 'The per diem for domestic trips is 300 yuan.'),
];
const QUESTION = 'How do I change the bank card my salary is paid to?';
const RESULT = resultOf(QUESTION, PASSAGES);

const systemPrompt = () => standIn.chatRequests()[0].messages[0].content;
const userMessage = () => standIn.chatRequests()[0].messages[1].content;

describe('the answer prompt', () => {
  it('is prompts/answer.md with the language and the first four passages, numbered', async () => {
    standIn.reply = () => 'Update it under Pay > Bank details [1].';
    await generativeAnswer(chat(), QUESTION, RESULT, 'en');
    const [req] = standIn.chatRequests();
    expect(req.model).toBe('helpline-chat');
    expect(req.messages.map((m) => m.role)).toEqual(['system', 'user']);
    const prompt = systemPrompt();
    expect(prompt).toBe(answerPrompt(RESULT, 'en'));
    const template = readFileSync(new URL('../../prompts/answer.md', import.meta.url), 'utf8');
    expect(prompt.startsWith(template.split('{{language}}')[0])).toBe(true);
    expect(prompt).toContain('Answer in English, the language of the question');
    expect(prompt).toContain('reply with exactly: NO_ANSWER');
    expect(prompt).not.toContain('{{');
    expect(prompt).toContain(
      `Passages:\n[1] Payroll › Bank account\n${PASSAGES[0].text}\n\n[2] Payroll › Pay date\n${PASSAGES[1].text}`,
    );
    expect(prompt).toContain(`[4] Payroll › Payslips\n${PASSAGES[3].text}`);
    expect(prompt).not.toContain('[5]');
    expect(prompt).not.toContain('Per diem');
    expect(userMessage()).toBe(QUESTION);
  });

  it('asks for Simplified Chinese when the question is Chinese', async () => {
    const zh = resultOf('工资卡怎么换', [
      passage('payroll-zh.md', '工资', '工资卡', '在 HR 门户的“薪资 > 银行信息”中修改工资卡。', 'zh'),
    ]);
    standIn.reply = () => '在 HR 门户修改即可 [1]。';
    await generativeAnswer(chat(), '工资卡怎么换', zh, 'zh');
    expect(systemPrompt()).toContain('Answer in Simplified Chinese');
    expect(systemPrompt()).toContain('[1] 工资 › 工资卡\n');
  });
});

describe('personal data', () => {
  const ID = '11010519491231002X';
  const CARD = '4111 1111 1111 1111';
  const PHONE = '13812345678';
  const question = `My ID is ${ID}, my new card is ${CARD} and my phone is ${PHONE}. How do I change the bank card my salary is paid to?`;

  it("never reaches the model: the employee's question is masked, the KB's own contacts are kept", async () => {
    expect(isChineseId(ID)).toBe(true);
    expect(passesLuhn(CARD.replace(/ /g, ''))).toBe(true);
    standIn.reply = () => 'Update it under Pay > Bank details [1].';
    await generativeAnswer(chat(), question, resultOf(question, PASSAGES), 'en');
    expect(standIn.requests).toHaveLength(1);
    const raw = standIn.requests[0].raw;
    for (const secret of [ID, CARD, CARD.replace(/ /g, ''), PHONE]) {
      expect(raw).not.toContain(secret);
    }
    expect(userMessage()).toMatch(
      /^My ID is \[ID ••••\w{4}\], my new card is \[CARD ••••1111\] and my phone is \[PHONE ••••5678\]\./,
    );
    // Published KB articles (a payroll hotline, a team mailbox) are not personal data.
    expect(systemPrompt()).toContain(
      'Call the payroll team at 13900001111 or write to payroll@corp.example.',
    );
  });
});

describe('generativeAnswer', () => {
  it('answers with the citations renumbered in the order the model used them', async () => {
    standIn.reply = () =>
      'Your payslip shows the current account [4]. Change it under Pay > Bank details before the 20th [1][4].';
    const onFallback = vi.fn();
    const reply = await generativeAnswer(chat(), QUESTION, RESULT, 'en', onFallback);
    expect(reply).toEqual({
      action: 'answered',
      text: 'Your payslip shows the current account [1]. Change it under Pay > Bank details before the 20th [2][1].',
      lang: 'en',
      citations: [
        { n: 1, source: 'payroll.md', title: 'Payroll', heading: 'Payslips' },
        { n: 2, source: 'payroll.md', title: 'Payroll', heading: 'Bank account' },
      ],
      buttons: answerButtons('en'),
    });
    expect(onFallback).not.toHaveBeenCalled();
  });

  it.each(['NO_ANSWER', '  NO_ANSWER\n', ''])('declines when the model says %j', async (said) => {
    standIn.reply = () => said;
    const reply = await generativeAnswer(chat(), QUESTION, RESULT, 'en');
    expect(reply).toEqual(declineReply('en'));
    expect(reply.action).toBe('clarify');
  });

  it.each([
    [
      'a passage it was not given',
      'Per diem is 300 yuan [5]. Change the card in the portal [1].',
      'llm_bad_citation',
    ],
    ['a passage that does not exist', 'See [7].', 'llm_bad_citation'],
    ['passage zero', 'See [0].', 'llm_bad_citation'],
    ['nothing', 'Just change it in the HR portal.', 'llm_uncited'],
  ])('falls back to the extractive answer when the reply cites %s', async (_, said, reason) => {
    standIn.reply = () => said;
    const onFallback = vi.fn();
    const reply = await generativeAnswer(chat(), QUESTION, RESULT, 'en', onFallback);
    expect(reply).toEqual(extractiveAnswer(QUESTION, RESULT, 'en'));
    expect(reply.action).toBe('answered');
    expect(onFallback).toHaveBeenCalledWith(reason);
  });

  it('counts only the passages actually given: with two results, [3] is out of range', async () => {
    const two = resultOf(QUESTION, PASSAGES.slice(0, 2));
    standIn.reply = () => 'Call payroll [3].';
    const onFallback = vi.fn();
    expect(await generativeAnswer(chat(), QUESTION, two, 'en', onFallback)).toEqual(
      extractiveAnswer(QUESTION, two, 'en'),
    );
    expect(onFallback).toHaveBeenCalledWith('llm_bad_citation');
  });

  it('falls back to the extractive answer when the model fails, and never throws', async () => {
    standIn.failNext({ status: 500 }, { status: 500 });
    const onFallback = vi.fn();
    const reply = await generativeAnswer(chat(), QUESTION, RESULT, 'en', onFallback);
    expect(reply).toEqual(extractiveAnswer(QUESTION, RESULT, 'en'));
    expect(onFallback).toHaveBeenCalledTimes(1);
    const [reason, err] = onFallback.mock.calls[0];
    expect(reason).toBe('llm_failed');
    expect(isHelplineError(err, 'LLM_FAILED')).toBe(true);
  });

  it('falls back to the extractive answer when the model is too slow', async () => {
    standIn.delayMs = 5_000;
    const onFallback = vi.fn();
    const reply = await generativeAnswer(chat(150), QUESTION, RESULT, 'en', onFallback);
    expect(reply).toEqual(extractiveAnswer(QUESTION, RESULT, 'en'));
    expect(onFallback).toHaveBeenCalledWith('llm_failed', expect.objectContaining({ code: 'LLM_FAILED' }));
  });

  it('declines without calling the model when the passages cannot answer', async () => {
    const reply = await generativeAnswer(chat(), QUESTION, resultOf(QUESTION, PASSAGES, false), 'en');
    expect(reply).toEqual(declineReply('en'));
    expect(await generativeAnswer(chat(), QUESTION, resultOf(QUESTION, []), 'zh')).toEqual(
      declineReply('zh'),
    );
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('answerQuestion with a chat model', () => {
  const kb = new KnowledgeBase(PASSAGES);

  it('retrieves, then lets the model write the answer from what it found', async () => {
    standIn.reply = (req) =>
      req.messages[0].content.includes('[1] Payroll › Bank account')
        ? 'Update it under Pay > Bank details [1].'
        : 'NO_ANSWER';
    const { reply, search } = await answerQuestion({ kb, chat: chat() }, QUESTION);
    expect(search?.answerable).toBe(true);
    expect(reply).toMatchObject({
      action: 'answered',
      text: 'Update it under Pay > Bank details [1].',
      citations: [{ n: 1, heading: 'Bank account' }],
    });
    expect(standIn.requests).toHaveLength(1);
  });

  it('does not call the model for small talk or for what the knowledge base cannot answer', async () => {
    expect((await answerQuestion({ kb, chat: chat() }, 'hello')).reply.action).toBe('clarify');
    expect(
      (await answerQuestion({ kb, chat: chat() }, 'Where is the shuttle bus stop for the Shenzhen campus?'))
        .reply.action,
    ).toBe('clarify');
    expect(standIn.requests).toHaveLength(0);
  });
});
