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
