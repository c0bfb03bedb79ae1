import { describe, expect, it } from 'vitest';
import { findPii, isChineseId, maskPii, passesLuhn } from '../../src/privacy/pii.ts';

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
    'ID 110105 19491231 0021 is not valid (bad checksum)',
    'card 4111 1111 1111 1112 fails Luhn',
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
