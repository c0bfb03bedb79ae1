import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../../src/knowledge/lexical.ts';
import { synonymTable } from '../../src/knowledge/synonyms.ts';
import { tokenize } from '../../src/knowledge/tokenize.ts';
import { passage, SAMPLE } from '../support/passages.ts';

const none = synonymTable([]);
const ids = (index: LexicalIndex, list: { source: string }[], q: string) =>
  index.search(q, 5).map((h) => list[h.doc].source);

describe('LexicalIndex character n-gram ranking (Chinese)', () => {
  // jieba cuts the colloquial 带薪年休 into 带薪|年|休: the word ranking prefers the passage with the
  // single words 年, 休 and 几天; the passage that says 带薪年休假 shares the pairs 薪年 and 年休.
  const annual = passage({ source: 'annual.md', text: '劳动者连续工作一年以上的，享受带薪年休假' });
  const other = passage({ source: 'other.md', text: '休几天假要看部门安排，每年由经理确定' });
  const list = [annual, other];

  it('finds the passage that shares the character pairs when jieba cut the query apart', () => {
    expect(tokenize('带薪年休几天').words).not.toContain('年休');
    expect(ids(new LexicalIndex(list, none, { gramRanking: 0 }), list, '带薪年休几天')[0]).toBe('other.md');
    expect(ids(new LexicalIndex(list, none), list, '带薪年休几天')[0]).toBe('annual.md');
  });

  it('leaves English queries to the word ranking', () => {
    const on = new LexicalIndex(SAMPLE, none);
    const off = new LexicalIndex(SAMPLE, none, { gramRanking: 0 });
    for (const q of ['how do I reset my password', 'VPN portal address', 'where is my payslip'])
      expect(on.search(q, 5)).toEqual(off.search(q, 5));
  });

  it('the index rebuilt from its parts (a snapshot) ranks the same', () => {
    const built = new LexicalIndex(list, none);
    const loaded = new LexicalIndex(list, none, {}, built.parts());
    expect(loaded.search('带薪年休几天', 2)).toEqual(built.search('带薪年休几天', 2));
  });
});
