import { describe, expect, it } from 'vitest';
import { bucketNumber, findCounts, parseChineseNumber } from '../../src/triage/counts.ts';
import { extractFeatures, lightStem, normalizeText } from '../../src/triage/features.ts';

describe('normalizeText', () => {
  it('applies NFKC, lowercases and collapses whitespace', () => {
    expect(normalizeText('ＶＰＮ　连不上！！  Ｈｅｌｌｏ')).toBe('vpn 连不上!! hello');
    expect(normalizeText('It’s “down”')).toBe('it\'s "down"');
  });

  it('reads traditional characters and written Cantonese as simplified Mandarin', () => {
    expect(normalizeText('薪資單錯誤')).toBe('薪资单错误');
    expect(normalizeText('啲同事成晚登入唔到，佢哋冇收到驗證碼')).toBe(
      '些同事整晚登入不了,他们没有收到验证码',
    );
  });
});

describe('extractFeatures', () => {
  it('cuts Chinese into character unigrams and bigrams, without a dictionary', () => {
    const f = extractFeatures('打卡打不上');
    expect(f).toEqual(expect.arrayContaining(['c:打', 'c:卡', 'b:打卡', 'b:卡打', 'b:不上']));
    expect(f.some((x) => x.startsWith('t:'))).toBe(false);
    expect(extractFeatures('打卡打不上', { zhTrigrams: true })).toContain('t:打不上');
  });

  it('stems English words, drops stop words and keeps negations and question words', () => {
    const f = extractFeatures("I can't log in to the payroll portals");
    expect(f).toEqual(
      expect.arrayContaining(['w:cant', 'w:log', 'w:payroll', 'w:portal', 'w2:payroll_portal']),
    );
    expect(f).not.toContain('w:the');
    expect(extractFeatures('how do I reset passwords')).toEqual(
      expect.arrayContaining(['w:how', 'w:password']),
    );
    expect(extractFeatures("didn't get paid")).toEqual(expect.arrayContaining(['w:did', 'w:not', 'w:paid']));
  });

  it('handles mixed Chinese and English in one message', () => {
    const f = extractFeatures('VPN连不上，SSO也登不进');
    expect(f).toEqual(expect.arrayContaining(['w:vpn', 'w:sso', 'b:连不', 'b:登不']));
  });

  it('buckets numbers, and marks counts of people', () => {
    expect(extractFeatures('about 300 workers show 16h shifts')).toEqual(
      expect.arrayContaining(['n:100-999', 'npeople:100-999']),
    );
    expect(extractFeatures('三十多个人都打不上卡')).toContain('npeople:20-99');
    expect(extractFeatures('我的工资少了3000')).toContain('n:1000+');
    expect(extractFeatures('我的工资少了3000')).not.toContain('npeople:1000+');
  });

  it('adds punctuation, first/last word and length features', () => {
    const f = extractFeatures('怎么请假？');
    expect(f).toEqual(expect.arrayContaining(['p:?', 'f:怎么', 'l:假', 'len:tiny']));
    expect(extractFeatures('hi')).toContain('f:hi');
  });

  it('is deterministic and deduplicated', () => {
    const a = extractFeatures('工资工资工资条 payslip payslip');
    expect(a).toEqual(extractFeatures('工资工资工资条 payslip payslip'));
    expect(new Set(a).size).toBe(a.length);
  });
});

describe('lightStem', () => {
  it('merges plurals and -ing/-ed/-ly forms without over-stemming', () => {
    const pairs: [string, string][] = [
      ['payslips', 'payslip'],
      ['policies', 'policy'],
      ['switches', 'switch'],
      ['locked', 'lock'],
      ['stopped', 'stop'],
      ['called', 'call'],
      ['approving', 'approv'],
      ['monthly', 'month'],
      ['business', 'business'],
      ['status', 'status'],
      ['need', 'need'],
      ['vpn', 'vpn'],
    ];
    for (const [word, stem] of pairs) expect(lightStem(word), word).toBe(stem);
  });
});

describe('numbers', () => {
  it('parses Chinese numerals', () => {
    expect(parseChineseNumber('三十')).toBe(30);
    expect(parseChineseNumber('十二')).toBe(12);
    expect(parseChineseNumber('两百')).toBe(200);
    expect(parseChineseNumber('一千五百')).toBe(1500);
    expect(Number.isNaN(parseChineseNumber('工资'))).toBe(true);
  });

  it('reads vague Chinese quantities and digit counts', () => {
    const values = (t: string) => findCounts(normalizeText(t)).map((n) => [n.value, n.kind]);
    expect(values('十几个人')).toEqual([[15, 'people']]);
    expect(values('几十号人在问')).toEqual([[30, 'people']]);
    expect(values('~400 people')).toEqual([[400, 'people']]);
    expect(values('punched in at 8:55')).toEqual([]);
  });

  it('buckets magnitudes', () => {
    expect([1, 3, 12, 40, 300, 4000].map(bucketNumber)).toEqual([
      '1',
      '2-4',
      '5-19',
      '20-99',
      '100-999',
      '1000+',
    ]);
  });
});
