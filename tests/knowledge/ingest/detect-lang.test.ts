import { describe, expect, it } from 'vitest';
import { detectLang, normalizeLang } from '../../../src/knowledge/ingest/detect-lang.ts';

describe('detectLang', () => {
  it('calls Chinese text zh and English text en', () => {
    expect(detectLang('劳动者在试用期的工资不得低于本单位相同岗位最低档工资。')).toBe('zh');
    expect(detectLang('You can carry over a maximum of 240 annual leave hours.')).toBe('en');
  });

  it('still calls Chinese text full of Latin product names zh', () => {
    expect(detectLang('如何在 Windows 上配置 GlobalProtect VPN 客户端并连接公司网络')).toBe('zh');
  });

  it('calls English text with a few Chinese words en', () => {
    expect(
      detectLang('The Shanghai office (上海) follows the national holiday calendar for all employees.'),
    ).toBe('en');
  });

  it('lets the declared language win, in any common spelling', () => {
    expect(detectLang('Annual leave policy', 'zh-CN')).toBe('zh');
    expect(detectLang('年假', 'EN')).toBe('en');
    expect(detectLang('年假制度', 'klingon')).toBe('zh');
    expect(normalizeLang('zh_Hans')).toBe('zh');
    expect(normalizeLang(42)).toBeUndefined();
  });

  it('defaults to en when there are no letters', () => {
    expect(detectLang('123 456')).toBe('en');
  });
});
