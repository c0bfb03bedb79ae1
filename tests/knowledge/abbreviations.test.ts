import { describe, expect, it } from 'vitest';
import { Abbreviations } from '../../src/knowledge/abbreviations.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { passage } from '../support/passages.ts';

describe('Abbreviations learned from the KB', () => {
  const words = ['社会保险', '社会', '保险', '计划生育', '计划', '生育', '劳动者们', '劳动', 'vpn'];
  const isWord = (w: string) => words.includes(w);
  const abbreviations = new Abbreviations(words, isWord);

  it('shortens a compound of two words to their first characters', () => {
    expect(abbreviations.of('社保')).toEqual(['社会保险']);
    expect(abbreviations.of('计生')).toEqual(['计划生育']);
  });

  it('skips compounds that are not two words, and knows nothing else', () => {
    expect(abbreviations.of('劳们')).toEqual([]);
    expect(abbreviations.of('工资')).toEqual([]);
    expect(abbreviations.size).toBe(2);
  });
});

describe('KnowledgeBase with learned abbreviations', () => {
  const kb = new KnowledgeBase([
    passage({
      source: 'insurance.md',
      text: '用人单位应当自用工之日起三十日内为其职工申请办理社会保险登记。',
    }),
    passage({ source: 'leave.md', text: '职工请事假应当提前三日申请，由部门负责人审批。' }),
    passage({ source: 'wages.md', text: '工资应当以货币形式按月支付给劳动者本人，不得克扣或者无故拖欠。' }),
  ]);

  it('finds and answers a question that abbreviates a compound the KB uses, with no synonym entry', () => {
    const r = kb.searchLexical('新员工入职多久内要办社保登记');
    expect(r.results[0].passage.source).toBe('insurance.md');
    expect(r.related).toContain('社会保险');
  });

  it('does not expand a word the KB itself uses', () => {
    expect(kb.searchLexical('工资怎么发').related).not.toContain('工作资格');
  });
});
