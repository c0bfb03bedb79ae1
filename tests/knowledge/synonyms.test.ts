import { describe, expect, it } from 'vitest';
import { DEFAULT_SYNONYMS, expand, synonymTable } from '../../src/knowledge/synonyms.ts';

describe('synonyms', () => {
  const table = synonymTable(DEFAULT_SYNONYMS);

  it('expands Chinese HR words to their synonyms', () => {
    expect(expand('工钱什么时候发', table)).toEqual(expect.arrayContaining(['工资', '薪资', '薪水']));
    expect(expand('我还有几天年假', table)).toEqual(expect.arrayContaining(['年休假', '带薪假']));
  });

  it('expands English phrases on word boundaries only', () => {
    expect(expand('where is my pay stub', table)).toEqual(expect.arrayContaining(['payslip']));
    expect(expand('payroll export failed', table)).not.toContain('salary');
  });

  it('does not add what the query already says', () => {
    expect(expand('年假和年休假', table)).not.toContain('年假');
  });

  it('accepts operator groups from config', () => {
    const t = synonymTable([['飞书', 'lark', 'feishu']]);
    expect(expand('飞书登录不了', t)).toEqual(['lark', 'feishu']);
    expect(expand('nothing here', t)).toEqual([]);
  });
});
