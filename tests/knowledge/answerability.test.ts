import { describe, expect, it } from 'vitest';
import { confidenceOf, evidence } from '../../src/knowledge/answerability.ts';
import { information } from '../../src/knowledge/information.ts';
import { DEFAULT_SYNONYMS, synonymTable } from '../../src/knowledge/synonyms.ts';
import { passage } from '../support/passages.ts';

const table = synonymTable(DEFAULT_SYNONYMS);

describe('information', () => {
  it('weighs topical words above filler words, in both languages', () => {
    expect(information('下午茶')).toBeGreaterThan(information('几天'));
    expect(information('公积金')).toBeGreaterThan(information('今年'));
    expect(information('cafeteria')).toBeGreaterThan(information('todai'));
    expect(information('2026')).toBeLessThan(information('vpn'));
  });

  it('counts a lone Chinese character as weak evidence', () => {
    expect(information('年')).toBeLessThan(information('年假'));
  });
});

describe('evidence', () => {
  const night = passage({
    source: 'law.md',
    text: '对怀孕7个月以上的女职工，用人单位不得延长劳动时间或者安排夜班劳动。',
  });

  it('counts the question words a passage contains', () => {
    const e = evidence('老婆怀孕7个多月了，公司还给她排夜班', night, table);
    expect(e.matched).toBeGreaterThan(13);
    expect(e.missing).toContain('老婆');
  });

  it('credits a word the passage says through a synonym', () => {
    const annual = passage({ source: 'a.md', text: '职工连续工作1年以上的，享受带薪年休假。' });
    expect(evidence('年假', annual, table).missing).toEqual([]);
  });

  it('finds a Chinese word inside a longer word but not across words', () => {
    const holidays = passage({ source: 'h.md', text: '国庆节，放假3天。每年会同有关部门公布。' });
    expect(evidence('国庆放几天', holidays, table).missing).not.toContain('国庆');
    expect(evidence('年会', holidays, table).missing).toContain('年会');
  });

  it('finds little shared information for an unrelated question', () => {
    const e = evidence('公司班车早上几点发车', night, table);
    expect(e.matched).toBeLessThan(6);
  });

  it('maps evidence to a confidence of 0.5 at the threshold', () => {
    expect(confidenceOf(13, 13)).toBe(0.5);
    expect(confidenceOf(0, 13)).toBe(0);
    expect(confidenceOf(39, 13)).toBe(0.75);
  });
});
