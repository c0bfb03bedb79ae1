import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../../src/errors.ts';
import { loadMarkdown, splitFrontMatter } from '../../../src/knowledge/ingest/load-markdown.ts';
import { utf8 } from './fixtures.ts';

async function skipReason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isHelplineError(err, 'FILE_SKIPPED')) return err.message;
    throw err;
  }
  throw new Error('expected FILE_SKIPPED');
}

describe('loadMarkdown: front matter', () => {
  it('reads title, category, lang, questions, keywords, owner, updated and url', async () => {
    const md = [
      '---',
      'title: 年假申请',
      'category: leave',
      'lang: zh-CN',
      'questions:',
      '  - 年假怎么请？',
      '  - How do I apply for annual leave?',
      'keywords: 年假, 休假，带薪假',
      'tags: [leave, pto]',
      'owner: hr-ops',
      'updated: 2024-05-01',
      'url: https://kb.example.com/leave',
      'redirect_from:',
      '  - /leave/',
      '---',
      '',
      '## 申请流程',
      '在 OA 系统提交申请。',
    ].join('\n');
    const doc = await loadMarkdown(utf8(md), 'hr/annual-leave.md');
    expect(doc).toEqual({
      source: 'hr/annual-leave.md',
      title: '年假申请',
      text: '## 申请流程\n在 OA 系统提交申请。',
      lang: 'zh',
      category: 'leave',
      questions: ['年假怎么请？', 'How do I apply for annual leave?'],
      keywords: ['年假', '休假', '带薪假', 'leave', 'pto'],
      owner: 'hr-ops',
      updated: '2024-05-01',
      url: 'https://kb.example.com/leave',
    });
  });

  it('accepts keywords as a list, tags as a comma string, a single question and `link`', async () => {
    const md =
      '---\ntitle: VPN\nkeywords: [vpn, remote]\ntags: "network, wifi"\nquestions: Why is VPN slow?\nlink: /it/vpn\n---\nBody';
    const doc = await loadMarkdown(utf8(md), 'vpn.md');
    expect(doc.keywords).toEqual(['vpn', 'remote', 'network', 'wifi']);
    expect(doc.questions).toEqual(['Why is VPN slow?']);
    expect(doc.url).toBe('/it/vpn');
  });

  it('takes the title from the first # heading, else the file name, and detects the language', async () => {
    expect(
      (await loadMarkdown(utf8('# 中华人民共和国劳动法\n\n第一条 为了保护劳动者的合法权益。'), 'a.md')).title,
    ).toBe('中华人民共和国劳动法');
    const untitled = await loadMarkdown(utf8('Just some text about payroll.'), 'it/reset-password_guide.md');
    expect(untitled.title).toBe('reset password guide');
    expect(untitled.lang).toBe('en');
  });

  it('treats a file without front matter, or with an empty one, as plain body', () => {
    expect(splitFrontMatter('Hello\n---\nworld')).toEqual({ data: {}, body: 'Hello\n---\nworld' });
    expect(splitFrontMatter('---\n---\nBody')).toEqual({ data: {}, body: 'Body' });
  });

  it('skips broken front matter with a reason', async () => {
    expect(await skipReason(loadMarkdown(utf8('---\ntitle: [unclosed\n---\nBody'), 'a.md'))).toMatch(
      /^broken front matter: /,
    );
    expect(await skipReason(loadMarkdown(utf8('---\ntitle: x\nBody without closing'), 'a.md'))).toMatch(
      /no closing ---/,
    );
    expect(await skipReason(loadMarkdown(utf8('---\n- a\n- b\n---\nBody'), 'a.md'))).toMatch(/key: value/);
  });
});
