import { describe, expect, it } from 'vitest';
import { maskDeep } from '../../src/ops/log-masking.ts';
import { maskForLog } from '../../src/ops/logger.ts';
import { findPii, isChineseId, looksLikeChineseId, maskPii, passesLuhn } from '../../src/privacy/pii.ts';
import { classifyMessages } from '../../src/triage/llm-classify.ts';

describe('PII detection', () => {
  it('recognizes valid Chinese ID numbers by checksum and rejects near misses', () => {
    expect(isChineseId('11010519491231002X')).toBe(true);
    expect(isChineseId('110105194912310021')).toBe(false);
    expect(isChineseId('110105194913310020')).toBe(false);
  });

  it('checks bank cards with Luhn', () => {
    expect(passesLuhn('6222020200112233445'.slice(0, 16))).toBe(passesLuhn('6222020200112233'));
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
  });

  it('masks IDs, cards, phones and emails, keeping the last 4 digits', () => {
    const text =
      '我的身份证 11010519491231002X，卡号 4111 1111 1111 1111，手机 13812345678，邮箱 li.lei@example.com';
    const masked = maskPii(text);
    expect(masked).toContain('[ID ••••002X]');
    expect(masked).not.toContain('11010519491231002X');
    expect(masked).toContain('[CARD ••••1111]');
    expect(masked).toContain('[PHONE ••••5678]');
    expect(masked).toContain('[EMAIL]');
  });

  it('leaves order numbers, dates and amounts alone', () => {
    const text = '订单号 202611220000123456，日期 2026-11-22，金额 12800.00 元，工单 HL-1042';
    expect(findPii(text)).toEqual([]);
    expect(maskPii(text)).toBe(text);
  });
});

describe('numbers written with spaces, dashes or full-width digits', () => {
  const masked: Array<[string, string]> = [
    ['身份证 110105 19491231 002X', '[ID ••••002X]'],
    ['ID 110105-19491231-002x please', '[ID ••••002x]'],
    ['ID 1101 0519 4912 3100 2X', '[ID ••••002X]'],
    ['身份证号１１０１０５１９４９１２３１００２Ｘ，谢谢', '[ID ••••002X]'],
    ['身份证号：１１０１０５ １９４９１２３１ ００２Ｘ', '[ID ••••002X]'],
    ['card 6222-0212-3456-7890-128', '[CARD ••••0128]'],
    ['卡号６２２２０２１２３４５６７８９０１２８', '[CARD ••••0128]'],
    ['卡号 ６２２２　０２１２　３４５６　７８９０　１２８', '[CARD ••••0128]'],
    ['卡号 622202 1234567890128', '[CARD ••••0128]'],
    ['卡号6222021234567890128 100元', '[CARD ••••0128]'],
    ['Amex 3782 822463 10005', '[CARD ••••0005]'],
    ['手机 １３８１２３４５６７８', '[PHONE ••••5678]'],
  ];
  it.each(masked)('masks "%s"', (text, label) => {
    const out = maskPii(text);
    expect(out).toContain(label);
    expect(out.replace(/\[[A-Z]+ ••••[0-9Xx]{4}\]/g, '')).not.toMatch(/[0-9０-９]{5}/);
  });

  const kept = [
    'order 2026 1122 0000 1234 56 shipped',
    'ticket HL-1042, room 305, floor 12',
    'scores 45 12 33 81 90 22 17 54',
    '订单号 ２０２６１１２２００００１２３４５６',
    // Unlabelled and not ID-shaped: the checksum decides (a mistyped ID or a labelled card is masked:
    // see "numbers people mistype").
    'ref 4111 1111 1111 1112 fails Luhn',
    '日期 ２０２６－１１－２２',
  ];
  it.each(kept)('leaves "%s" alone', (text) => {
    expect(findPii(text).filter((m) => m.kind === 'cn_id' || m.kind === 'bank_card')).toEqual([]);
  });

  it('stays fast on a pasted table of numbers', () => {
    const table = Array.from({ length: 20_000 }, (_, i) => String(100 + (i % 900))).join(' ');
    const started = performance.now();
    maskPii(`${table} 6222 0212 3456 7890 128`);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reports matches at their offsets in the text as written', () => {
    const text = '号１１０１０５１９４９１２３１００２Ｘ';
    const [m] = findPii(text);
    expect(m).toMatchObject({ kind: 'cn_id', start: 1, end: 19, value: text.slice(1) });
  });
});

describe('salary amounts', () => {
  const salaries = [
    '我这个月工资只发了 8,500 元，少了加班费',
    '月薪 2.5万，税后到手多少',
    'my salary is $8,500 a month',
    'base pay CNY 12000 but the payslip shows 11000',
    '应发 23456.78，实发 19800',
    'bonus of 30k missing from the payslip',
  ];
  it.each(salaries)('masks pay in "%s"', (text) => {
    expect(findPii(text).some((m) => m.kind === 'salary')).toBe(true);
    expect(maskPii(text)).toContain('[SALARY]');
  });

  const notSalaries = [
    '工资条在哪里看？',
    '2026年10月10日是调休上班日',
    '我请了3天年假',
    'the payroll export failed for 400 people',
    '报销单号 20261122，金额 350 元',
    'VPN error 10054 when connecting',
  ];
  it.each(notSalaries)('leaves "%s" alone', (text) => {
    expect(findPii(text).filter((m) => m.kind === 'salary')).toEqual([]);
  });
});

describe('numbers people mistype', () => {
  it('tells an ID-shaped number by province code and a real birth date, not its check digit', () => {
    expect(looksLikeChineseId('110101199003074578')).toBe(true);
    expect(looksLikeChineseId('11010519491231002x')).toBe(true);
    // A year first is an order number, not a province; 2月30日 and 13月 are no birth dates.
    expect(looksLikeChineseId('202611220000123456')).toBe(false);
    expect(looksLikeChineseId('110101199002304578')).toBe(false);
    expect(looksLikeChineseId('110101199013074578')).toBe(false);
    expect(looksLikeChineseId('110101180003074578')).toBe(false);
    expect(looksLikeChineseId('11010119900307457')).toBe(false);
  });

  const masked: Array<[string, string[]]> = [
    // The reviewer's message: the ID's check digit is wrong and the card fails Luhn.
    ['我的身份证号 110101199003074578，工资卡 6222021234567890123', ['[ID ••••4578]', '[CARD ••••0123]']],
    // The same, valid: masked as before.
    ['我的身份证号 110101199003074573，工资卡 6222021234567890128', ['[ID ••••4573]', '[CARD ••••0128]']],
    ['ID 110105 19491231 0021 is not valid (bad checksum)', ['[ID ••••0021]']],
    ['身份证 11010519491231002１', ['[ID ••••0021]']],
    ['card 4111 1111 1111 1112 fails Luhn', ['[CARD ••••1112]']],
    ['card number: 4111-1111-1111-1112', ['[CARD ••••1112]']],
    ['my account no. 1234567890123456 was charged', ['[CARD ••••3456]']],
    ['银行卡号是 ６２２８ ４８０４ ０２５６ ４８９０ ０１９', ['[CARD ••••0019]']],
    ['卡号：4000123412341234', ['[CARD ••••1234]']],
    // UnionPay, unlabelled, Luhn failing.
    ['转到 6222 0212 3456 7890 123 了吗', ['[CARD ••••0123]']],
  ];
  it.each(masked)('masks "%s"', (text, labels) => {
    const out = maskPii(text);
    for (const label of labels) expect(out).toContain(label);
    expect(out.replace(/\[[A-Z]+ ••••[0-9Xx]{4}\]/g, '')).not.toMatch(/[0-9０-９]{5}/);
  });

  const kept = [
    '订单号 202611220000123456 已发货',
    'order 4111 1111 1111 1112 shipped',
    'tracking 1234567890123456 from the courier',
    // A card label, but too short to be a card: the last digits people quote.
    '银行卡尾号 1234 的那张',
    'scorecard 1234567890123456',
    'invoice 110101 20261301 1234',
  ];
  it.each(kept)('leaves "%s" alone', (text) => {
    expect(findPii(text).filter((m) => m.kind === 'cn_id' || m.kind === 'bank_card')).toEqual([]);
  });
});

describe('pay after a verb of paying', () => {
  const salaries: Array<[string, string]> = [
    ['这个月只发了 20000', '这个月只发了 [SALARY]'],
    ['我的工资应该是 23000，这个月只发了 20000', '我的工资应该是 [SALARY]，这个月只发了 [SALARY]'],
    ['少发了2000，到账 18500 元', '少发了[SALARY]，到账 [SALARY]'],
    ['工资条上写的没错，但是银行卡里发了 16800', '工资条上写的没错，但是银行卡里发了 [SALARY]'],
    ['salary this month: only got 7,200', 'salary this month: only got [SALARY]'],
    [
      'my payslip is fine but this month I received 8500',
      'my payslip is fine but this month I received [SALARY]',
    ],
    ['2026年工资只发了 2000', '2026年工资只发了 [SALARY]'],
  ];
  it.each(salaries)('masks "%s"', (text, expected) => {
    expect(maskPii(text)).toBe(expected);
  });

  const notPay = [
    '我发了 12345 条消息都没回',
    'I received 8500 emails today',
    '到账通知收不到',
    'VPN error 10054 when connecting',
  ];
  it.each(notPay)('leaves "%s" alone', (text) => {
    expect(findPii(text).filter((m) => m.kind === 'salary')).toEqual([]);
  });
});

describe('one masking for every way text leaves', () => {
  // Logs (message text and whole records) and LLM prompts all go through maskPii: a number it masks
  // is masked everywhere, the mistyped ones included.
  const text = '我的身份证号 110101199003074578，工资卡 6222021234567890123，这个月只发了 20000';
  const expected = maskPii(text);

  it('masks log text, log records and the triage prompt as maskPii does', () => {
    expect(expected).toBe('我的身份证号 [ID ••••4578]，工资卡 [CARD ••••0123]，这个月只发了 [SALARY]');
    expect(maskForLog(text)).toBe(expected);
    expect(maskDeep({ err: { message: text }, text })).toMatchObject({
      err: { message: expected },
      text: expected,
    });
    const prompt = classifyMessages({ text })
      .map((m) => m.content)
      .join('\n');
    expect(prompt).toContain(expected);
    expect(prompt).not.toMatch(/110101199003074578|6222021234567890123|20000/);
  });
});
