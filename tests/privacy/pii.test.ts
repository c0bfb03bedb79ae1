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
    const text = '我的身份证 11010519491231002X，卡号 4111 1111 1111 1111，手机 13812345678，邮箱 li.lei@example.com';
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
