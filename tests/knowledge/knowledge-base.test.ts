import { describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { SAMPLE } from '../support/passages.ts';

describe('KnowledgeBase.searchLexical', () => {
  const kb = new KnowledgeBase(SAMPLE, { synonyms: DEFAULT_SYNONYMS });

  it('answers Chinese and English questions from the right passage', () => {
    expect(kb.searchLexical('怎么请年假').results[0].passage.source).toBe('zh/leave.md');
    expect(kb.searchLexical('how do I reset my password').results[0].passage.source).toBe('en/password.md');
    expect(kb.searchLexical('VPN portal address').results[0].passage.source).toBe('en/vpn.md');
  });

  it('finds passages through synonyms (工钱 → 工资, pay stub → payslip)', () => {
    expect(kb.searchLexical('工钱单在哪看').results[0].passage.source).toBe('zh/payslip.md');
    expect(kb.searchLexical('where is my pay stub').results[0].passage.source).toBe('en/payslip.md');
  });

  it('says answerable for covered questions and not for unrelated ones', () => {
    const yes = kb.searchLexical('买房提取公积金多久出结果');
    expect(yes.answerable).toBe(true);
    expect(yes.confidence).toBeGreaterThanOrEqual(0.5);
    const no = kb.searchLexical('公司下午茶是每周几');
    expect(no.answerable).toBe(false);
    expect(kb.searchLexical("what's on the cafeteria menu today").answerable).toBe(false);
  });

  it('treats a fully covered short question as answerable', () => {
    expect(kb.searchLexical('VPN').answerable).toBe(true);
  });

  it('returns at most k results, best first', () => {
    const r = kb.searchLexical('工资单 e-HR payslip', 2);
    expect(r.results.length).toBeLessThanOrEqual(2);
    expect(r.results[0].score).toBeGreaterThanOrEqual(r.results.at(-1)!.score);
  });

  it('handles empty, huge and symbol-only queries without throwing', () => {
    expect(kb.searchLexical('').results).toEqual([]);
    expect(kb.searchLexical('').answerable).toBe(false);
    expect(kb.searchLexical('!!!???').answerable).toBe(false);
    expect(() => kb.searchLexical('年假'.repeat(5000))).not.toThrow();
  });

  it('an empty knowledge base answers nothing', async () => {
    const empty = new KnowledgeBase([]);
    const r = await empty.search('怎么请年假');
    expect(r).toMatchObject({ answerable: false, results: [] });
  });

  it('search() without an embedder equals searchLexical()', async () => {
    expect(await kb.search('怎么请年假', 3)).toEqual(kb.searchLexical('怎么请年假', 3));
  });
});
