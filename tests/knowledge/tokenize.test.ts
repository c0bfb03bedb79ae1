import { describe, expect, it } from 'vitest';
import { BIGRAM, hasCjk, normalize, terms, tokenize, UNIGRAM } from '../../src/knowledge/tokenize.ts';

describe('tokenize', () => {
  it('cuts Chinese into jieba words and bigrams that never bridge a stop word', () => {
    const t = tokenize('怎么请年假?');
    expect(t.words).toContain('年假');
    expect(t.words).not.toContain('怎么');
    expect(t.bigrams).toContain(`${BIGRAM}年假`);
    expect(t.bigrams).not.toContain(`${BIGRAM}么请`);
    expect(t.unigrams).toContain(`${UNIGRAM}假`);
  });

  it('keeps HR words from the user dictionary whole', () => {
    expect(tokenize('五险一金怎么交').words).toContain('五险一金');
    expect(tokenize('忘记打卡要补卡').words).toContain('补卡');
  });

  it('stems and stop-words English', () => {
    const t = tokenize('How do I reset my passwords?');
    expect(t.words).toEqual(['reset', 'password']);
    expect(t.bigrams).toEqual([]);
  });

  it('normalizes full-width characters so １５０％ meets 150%', () => {
    expect(normalize('１５０％ ＶＰＮ')).toBe('150% vpn');
    expect(tokenize('本人小时工资标准的１５０％支付').words).toContain('150');
  });

  it('separates digits glued to Chinese text', () => {
    expect(tokenize('怀孕7个多月').words).toEqual(expect.arrayContaining(['怀孕', '7']));
  });

  it('handles mixed, empty and symbol-only input', () => {
    expect(terms('')).toEqual([]);
    expect(terms('?!…—')).toEqual([]);
    expect(tokenize('e-HR 请假 VPN').words).toEqual(expect.arrayContaining(['e', 'hr', 'vpn', '请假']));
  });

  it('detects Chinese text', () => {
    expect(hasCjk('VPN 连不上')).toBe(true);
    expect(hasCjk('VPN is down')).toBe(false);
  });
});
