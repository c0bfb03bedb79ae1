/** Sentence splitting with offsets, and how the extractive answer chooses, groups and cites sentences. */
import { describe, expect, it } from 'vitest';
import { chooseQuotes, extractiveAnswer } from '../../src/assistant/answer/extractive.ts';
import { answerPrompt } from '../../src/assistant/answer/generative.ts';
import { rankSentences, sentenceSpans, splitSentences } from '../../src/assistant/answer/sentences.ts';
import type { Passage, SearchResult } from '../../src/knowledge/types.ts';
import { passage } from '../support/passages.ts';

const resultOf = (query: string, passages: Passage[]): SearchResult => ({
  query,
  answerable: true,
  confidence: 1,
  results: passages.map((p, i) => ({ passage: p, score: 10 - i })),
});

describe('sentenceSpans', () => {
  it('gives each sentence its place in the unwrapped passage, in Chinese and English', () => {
    const text = '第一条 为了保护劳动者。第二条 适用本法！\n\nThe kit is free. It ships\nin a week.';
    const { unwrapped, spans } = sentenceSpans(text);
    expect(unwrapped).toBe(
      '第一条 为了保护劳动者。第二条 适用本法！\n\nThe kit is free. It ships in a week.',
    );
    expect(spans.map((s) => s.text)).toEqual([
      '第一条 为了保护劳动者。',
      '第二条 适用本法！',
      'The kit is free.',
      'It ships in a week.',
    ]);
    for (const s of spans) expect(unwrapped.slice(s.start, s.end)).toBe(s.text);
    expect(unwrapped.slice(spans[2].start, spans[3].end)).toBe('The kit is free. It ships in a week.');
  });

  it('keeps a numbered list item whole, and its number with it', () => {
    expect(splitSentences('Steps:\n1. Open the app. Then wait.\n  2. Click Repay.\nVersion 2. Next')).toEqual(
      ['Steps:', '1. Open the app.', 'Then wait.', '2. Click Repay.', 'Version 2.', 'Next'],
    );
  });

  it('joins a Chinese line cut at a comma to the next, with no space', () => {
    expect(
      splitSentences(
        '（一）安排劳动者延长工作时间的，\n按照不低于工资的１５０％支付；\n（二）休息日工作的，按照２００％支付。',
      ),
    ).toEqual([
      '（一）安排劳动者延长工作时间的，按照不低于工资的１５０％支付；',
      '（二）休息日工作的，按照２００％支付。',
    ]);
  });

  it('keeps table rows and statute clauses as sentences of their own', () => {
    expect(splitSentences('| Day | Hours |\n| Mon | 8 |\n（一）甲；\n（二）乙。')).toEqual([
      '| Day | Hours |',
      '| Mon | 8 |',
      '（一）甲；',
      '（二）乙。',
    ]);
  });
});

describe('abbreviations', () => {
  // Each case: a passage and the sentences it holds.
  const cases: Array<[string, string[]]> = [
    // The sample KB's password article was cut after "ext." and answered with "8000 or tell Helpline…".
    [
      'No MFA device: call the IT Service Desk on ext. 8000 or tell Helpline "talk to a human". IT verifies you by video call.',
      [
        'No MFA device: call the IT Service Desk on ext. 8000 or tell Helpline "talk to a human".',
        'IT verifies you by video call.',
      ],
    ],
    ['Call Tel. 8000 or Ext. 12. Then wait.', ['Call Tel. 8000 or Ext. 12.', 'Then wait.']],
    [
      'Ask Mr. Li, Mrs. Wang, Ms. Zhao or Dr. Chen. Prof. Sun signs.',
      ['Ask Mr. Li, Mrs. Wang, Ms. Zhao or Dr. Chen.', 'Prof. Sun signs.'],
    ],
    [
      'Use a tool, e.g. Workday, i.e. the HR one. See Fig. 2 vs. Fig. 3.',
      ['Use a tool, e.g. Workday, i.e. the HR one.', 'See Fig. 2 vs. Fig. 3.'],
    ],
    [
      'It takes approx. 30 minutes, incl. review. Dept. heads approve.',
      ['It takes approx. 30 minutes, incl. review.', 'Dept. heads approve.'],
    ],
    // These end a sentence before a capitalised word only.
    [
      'Bring laptops, phones, etc., to IT. Bring phones etc. The desk checks them.',
      ['Bring laptops, phones, etc., to IT.', 'Bring phones etc.', 'The desk checks them.'],
    ],
    [
      'Room No. 12 is upstairs. The answer is no. Call IT.',
      ['Room No. 12 is upstairs.', 'The answer is no.', 'Call IT.'],
    ],
    ['Breaks are 30 min. and paid. Max. 2 per day.', ['Breaks are 30 min. and paid.', 'Max. 2 per day.']],
    [
      'Acme Ltd. and Foo Inc. Both are vendors. Acme Co. pays.',
      ['Acme Ltd. and Foo Inc.', 'Both are vendors.', 'Acme Co. pays.'],
    ],
    [
      'We close at 5 p.m. Then lights go off. Open at 9 a.m. on Mondays.',
      ['We close at 5 p.m.', 'Then lights go off.', 'Open at 9 a.m. on Mondays.'],
    ],
    ['John Smith Jr. and Sr. staff.', ['John Smith Jr. and Sr. staff.']],
    // A short capitalised word or a letter before a number: "Art. 5", "p. 12".
    [
      'See Art. 5 and Sec. 3 on p. 12 of the rules. Done.',
      ['See Art. 5 and Sec. 3 on p. 12 of the rules.', 'Done.'],
    ],
    // But a sentence that ends before a number still ends, and so does one before a list number.
    [
      'Submit within 30 days. 5 days are allowed for appeals.',
      ['Submit within 30 days.', '5 days are allowed for appeals.'],
    ],
    ['Open the app. 2. Click Repay.', ['Open the app.', '2.', 'Click Repay.']],
  ];
  it.each(cases)('%j', (text, sentences) => {
    expect(splitSentences(text)).toEqual(sentences);
    const { unwrapped, spans } = sentenceSpans(text);
    for (const s of spans) expect(unwrapped.slice(s.start, s.end)).toBe(s.text);
  });
});

describe('numbered steps', () => {
  const reset = passage({
    source: 'en/password-reset.md',
    title: 'Password reset',
    heading: 'Reset your password yourself',
    text: [
      '1. Open https://sso.company.example and click Forgot password.',
      '2. Enter your employee ID or company email address.',
      '3. Verify with your MFA authenticator (push or 6-digit code). Without an MFA device, choose an SMS code.',
      '4. Set and confirm the new password.',
      '5. It works in all systems immediately.',
    ].join('\n'),
  });

  it('quotes two steps of a list in its order, never step 4 before step 1', () => {
    // Step 4 scores best ("set … new password"), step 1 next ("forgot"): one quote, in list order.
    const q = 'how do I set a new password when I forgot it';
    const ranked = rankSentences(q, resultOf(q, [reset]).results);
    expect(ranked.slice(0, 2).map((s) => s.text.slice(0, 2))).toEqual(['4.', '1.']);
    const quotes = chooseQuotes(q, resultOf(q, [reset]));
    expect(quotes).toEqual([
      {
        passage: 0,
        text: '1. Open https://sso.company.example and click Forgot password.\n…\n4. Set and confirm the new password.',
        // The quote ranks by its best sentence, whichever stretch holds it.
        score: ranked[0].score,
      },
    ]);
  });

  it('brings a step after the lead the steps before it, or leaves it out', () => {
    const q = 'reset a forgotten password yourself new password';
    const intro = passage({
      source: 'en/password.md',
      title: 'Password',
      text: 'You can reset a forgotten password yourself without calling IT, in the SSO portal.',
    });
    // Steps 1–3 do not fit beside the lead: no lone "4. Set and confirm the new password."
    expect(chooseQuotes(q, resultOf(q, [intro, reset])).map((x) => x.text)).toEqual([intro.text]);
    const short = passage({
      source: 'en/short.md',
      title: 'Short',
      text: '1. Open the SSO portal.\n2. Click Forgot.\n3. Set and confirm the new password.',
    });
    expect(chooseQuotes(q, resultOf(q, [intro, short])).map((x) => x.text)).toEqual([
      intro.text,
      '1. Open the SSO portal.\n2. Click Forgot.\n3. Set and confirm the new password.',
    ]);
  });

  it('finds the sentence that opens a list past an item of two sentences', () => {
    const tock = passage({
      source: 'en/tock.md',
      text: [
        'Tock may have your start date wrong. To fix this:',
        '1. Click on the Users link.',
        '2. Find your name in the list. (Your email address is a link.)',
        '3. Click Update.',
      ].join('\n'),
    });
    const q = 'update';
    expect(chooseQuotes(q, resultOf(q, [tock]))[0].text).toBe('To fix this:\n…\n3. Click Update.');
  });
});

describe('choosing sentences', () => {
  const wages = passage({
    source: 'wages.md',
    title: '关于工资总额组成的规定',
    text: [
      '第四条 工资总额由下列六个部分组成：',
      '（一）计时工资；',
      '（二）计件工资；',
      '第十一条 下列各项不列入工资总额的范围：',
      '（一）根据国务院发布的有关规定颁发的发明创造奖；',
      '（二）有关劳动保险和职工福利方面的各项费用；',
      '（三）出差伙食补助费、误餐补助、调动工作的旅费和安家费。',
    ].join('\n'),
  });

  it('quotes a list item with the sentence that opens its list, in one quote', () => {
    const reply = extractiveAnswer('出差伙食补助费算工资总额吗', resultOf('q', [wages]), 'zh');
    expect(reply.text).toContain('第十一条 下列各项不列入工资总额的范围：');
    expect(reply.text).toContain('（三）出差伙食补助费、误餐补助、调动工作的旅费和安家费。');
    // One quote per passage: the items skipped between the opener and the item show as "…".
    expect(reply.text).toContain('第十一条 下列各项不列入工资总额的范围：\n…\n（三）出差伙食补助费');
    expect(reply.citations).toEqual([expect.objectContaining({ n: 1, source: 'wages.md' })]);
  });

  it('brings the sentence a "其…" or "This…" sentence leans on', () => {
    const p = passage({
      source: 'pension.md',
      text: '第十九条 个人跨统筹地区就业的，可以转移社会保险关系。其缴费年限累计计算。本条例自公布之日起施行。',
    });
    const [quote] = chooseQuotes('换城市以后缴费年限还算吗', resultOf('换城市以后缴费年限还算吗', [p]));
    expect(quote.text).toBe('第十九条 个人跨统筹地区就业的，可以转移社会保险关系。其缴费年限累计计算。');
    const kit = passage({
      source: 'en/it.md',
      text: 'To request peripherals, submit an IT ticket for a remote workers home kit. The kit typically includes: a monitor, keyboard and mouse. Printers are separate.',
    });
    const [en] = chooseQuotes('can I get a monitor', resultOf('can I get a monitor', [kit]));
    expect(en.text).toBe(
      'To request peripherals, submit an IT ticket for a remote workers home kit. The kit typically includes: a monitor, keyboard and mouse.',
    );
  });

  it('leads with the sentence that carries the number asked for', () => {
    const p = passage({
      source: 'en/eap.md',
      text: 'The Employee Assistance Program is a free support resource. You can receive six free sessions, or 6 hours, per year. Call the hotline to start.',
    });
    const ranked = rankSentences('how many free sessions do I get', resultOf('q', [p]).results);
    expect(ranked[0].text).toBe('You can receive six free sessions, or 6 hours, per year.');
  });

  it('does not lead with a sentence about the text itself', () => {
    const p = passage({
      source: 'leave.md',
      text: '第一条 为了实施《职工带薪年休假条例》，制定本实施办法。第三条 职工连续工作满12个月以上的，享受带薪年休假。',
    });
    expect(rankSentences('带薪年休假条例怎么实施', resultOf('q', [p]).results)[0].text).toBe(
      '第三条 职工连续工作满12个月以上的，享受带薪年休假。',
    );
  });

  it('cites exactly the passages it quotes, in order of use, and offers the next one as see also', () => {
    const leave = passage({
      source: 'en/leave.md',
      title: 'Leave',
      heading: 'Unpaid leave',
      text: 'Unpaid leave of up to 80 hours needs written approval from your supervisor. Over 80 hours also needs the Business Unit Director.',
    });
    const office = passage({
      source: 'en/office.md',
      title: 'Office',
      text: 'The office kitchen is cleaned on Fridays.',
    });
    const travel = passage({
      source: 'en/travel.md',
      title: 'Travel',
      text: 'Book trips in the travel tool.',
    });
    const reply = extractiveAnswer(
      'who approves unpaid leave over 80 hours',
      {
        query: 'q',
        answerable: true,
        confidence: 1,
        results: [
          { passage: leave, score: 10 },
          { passage: office, score: 9.5 },
          { passage: travel, score: 1 },
        ],
      },
      'en',
    );
    expect(reply.text).toMatch(
      /^Unpaid leave of up to 80 hours needs written approval from your supervisor\./,
    );
    expect(reply.text).toMatch(/\[1\]\n\nSee also: \[2\] Office$/);
    expect(reply.text).not.toContain('kitchen');
    expect(reply.citations.map((c) => c.source)).toEqual(['en/leave.md', 'en/office.md']);
  });

  it('stays within a chat bubble over long passages', () => {
    const long = passage({
      source: 'law.md',
      text: Array.from(
        { length: 30 },
        (_, i) => `第${i + 1}条 用人单位应当支付劳动者工资报酬，工资按月支付，不得克扣。`,
      ).join('\n'),
    });
    const reply = extractiveAnswer('工资按月支付吗', resultOf('q', [long]), 'zh');
    expect(reply.text.length).toBeLessThanOrEqual(400);
    expect(reply.text).toMatch(/\[1\]$/);
  });

  it('brings the rest of a list item cut at a comma, and the list after "as below."', () => {
    const travel = passage({
      source: 'en/travel.md',
      text: [
        'Premium seats are not paid by the company.',
        '- Book an economy ticket using your Brex card,',
        '    - Upgrade thereafter using your personal points',
        '',
        'Severance is calculated as below.',
        '- Involuntary offboarding: 4 months of pay',
      ].join('\n'),
    });
    const [quote] = chooseQuotes('book economy ticket brex', resultOf('q', [travel]));
    expect(quote.text).toContain('- Book an economy ticket using your Brex card,\n    - Upgrade thereafter');
    const [severance] = chooseQuotes('how is severance calculated', resultOf('q', [travel]));
    expect(severance.text).toBe(
      'Severance is calculated as below.\n- Involuntary offboarding: 4 months of pay',
    );
  });

  it('quotes a table row with its header row, never a header row alone', () => {
    const table = passage({
      source: 'en/schedules.md',
      text: 'Compressed schedules:\n\n| Day | Hours |\n|---|---|\n| Monday | 10 hours |\n| Friday | day off |',
    });
    const [quote] = chooseQuotes('how many hours do I work on Monday', resultOf('q', [table]));
    // Verbatim, separator included: still a Markdown table where the channel renders one.
    expect(quote.text).toBe('| Day | Hours |\n|---|---|\n| Monday | 10 hours |');
    // As ingest leaves a table: the |---| line dropped; the first row is still the header.
    const cleaned = { ...table, text: table.text.replace('|---|---|\n', '') };
    expect(chooseQuotes('how many hours on Monday', resultOf('q', [cleaned]))[0].text).toBe(
      '| Day | Hours |\n| Monday | 10 hours |',
    );
    const ranked = rankSentences('day hours', resultOf('q', [table]).results);
    expect(ranked.some((s) => s.text === '| Day | Hours |')).toBe(true);
    expect(chooseQuotes('day hours', resultOf('q', [table])).map((q) => q.text)).not.toContain(
      '| Day | Hours |',
    );
  });

  it('never quotes an FAQ question without its answer, and gives an answer its question', () => {
    const long = `  - No, personal trips are never paid with the company card${', whatever the reason'.repeat(15)}`;
    const faq = passage({
      source: 'en/faq.md',
      text: [
        '- Accidentally used the company card for a personal expense?',
        "  - Login to Brex > find the charge > click on 'Repay'",
        '- Can I use the company card for a personal trip?',
        long,
      ].join('\n'),
    });
    const q = 'accidentally used the company card for a personal expense, how to repay';
    const reply = extractiveAnswer(q, resultOf(q, [faq]), 'en');
    expect(reply.text).toBe(
      "- Accidentally used the company card for a personal expense?\n  - Login to Brex > find the charge > click on 'Repay' [1]",
    );
    const [quote] = chooseQuotes('where do I click repay', resultOf('where do I click repay', [faq]));
    expect(quote.text).toMatch(/^- Accidentally used the company card for a personal expense\?\n {2}- Login/);
  });
});

describe('the prompt of a generated answer', () => {
  it('gives the chosen sentences first, numbered by their passage, then the passages', () => {
    const a = passage({
      source: 'en/a.md',
      title: 'Kit',
      text: 'Laptops are ordered by IT. The home kit includes a monitor.',
    });
    const b = passage({ source: 'en/b.md', title: 'Costs', text: 'A monitor costs $&50 at most.' });
    const prompt = answerPrompt(resultOf('does the home kit include a monitor', [a, b]), 'en');
    const key = prompt.indexOf('[1] The home kit includes a monitor.');
    expect(key).toBeGreaterThan(0);
    expect(key).toBeLessThan(prompt.indexOf('Passages:\n[1] Kit'));
    // KB text is inserted as written, "$&" included.
    expect(prompt).toContain('A monitor costs $&50 at most.');
  });
});
