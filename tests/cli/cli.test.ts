import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { recordingIo } from '../support/cli-io.ts';

let kb: string;

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'helpline-cli-'));
  process.env.HELPLINE_DATA = join(root, 'data');
  kb = join(root, 'kb');
  mkdirSync(join(kb, 'zh'), { recursive: true });
  mkdirSync(join(kb, 'en'), { recursive: true });
  writeFileSync(
    join(kb, 'zh', 'leave.md'),
    '---\ntitle: 如何申请年假\ncategory: leave\nlang: zh\nquestions:\n  - 怎么请年假\n---\n# 如何申请年假\n\n## 操作步骤\n\n1. 登录 e-HR，进入 我的假期 → 申请。\n2. 选择“年休假”，填写日期后提交，由直属经理审批。\n',
  );
  writeFileSync(
    join(kb, 'en', 'password.md'),
    '---\ntitle: Password reset\nlang: en\n---\n# Password reset\n\n## Reset it yourself\n\nOpen the SSO portal, choose Forgot password and verify with your mobile number.\n',
  );
  writeFileSync(join(kb, 'broken.pdf'), 'not a pdf');
});

describe('helpline search', () => {
  it('--json prints the DESIGN §6 shape', async () => {
    const t = recordingIo();
    expect(await main(['search', '--kb', kb, '--k', '3', '--json', '怎么请年假'], t)).toBe(0);
    const out = JSON.parse(t.stdout.join(''));
    expect(Object.keys(out)).toEqual(['query', 'answerable', 'results']);
    expect(out.query).toBe('怎么请年假');
    expect(out.answerable).toBe(true);
    expect(Object.keys(out.results[0])).toEqual(['source', 'title', 'heading', 'text', 'score']);
    expect(out.results[0]).toMatchObject({
      source: 'zh/leave.md',
      title: '如何申请年假',
      heading: '操作步骤',
    });
    expect(out.results.length).toBeLessThanOrEqual(3);
  });

  it('--lang, --category and --source keep only matching passages', async () => {
    const sources = async (...args: string[]) => {
      const t = recordingIo();
      expect(await main(['search', '--kb', kb, '--json', ...args], t)).toBe(0);
      return JSON.parse(t.stdout.join('')).results.map((r: { source: string }) => r.source);
    };
    expect(await sources('年假 password')).toEqual(expect.arrayContaining(['zh/leave.md', 'en/password.md']));
    expect(await sources('--lang', 'en', '年假 password')).toEqual(['en/password.md']);
    expect(await sources('--category', 'leave', '年假 password')).toEqual(['zh/leave.md']);
    expect(await sources('--source', 'en/password.md', '年假 password')).toEqual(['en/password.md']);
    expect(await main(['search', '--kb', kb, '--lang', 'fr', 'x'], recordingIo())).toBe(2);
  });

  it('--jsonl answers one JSON line per input line, a blank line with an EMPTY_INPUT object', async () => {
    const t = recordingIo(['怎么请年假', '', 'reset my password']);
    expect(await main(['search', '--kb', kb, '--jsonl'], t)).toBe(0);
    expect(t.stdout).toHaveLength(3);
    expect(JSON.parse(t.stdout[1])).toEqual({
      query: '',
      error: { code: 'EMPTY_INPUT', message: expect.any(String) },
    });
    expect(JSON.parse(t.stdout[2]).results[0].source).toBe('en/password.md');
  });

  it('explains usage errors with exit code 2', async () => {
    const t = recordingIo();
    expect(await main(['search', '--kb', kb], t)).toBe(2);
    expect(t.stderr.join('')).toMatch(/Give a query/);
    const bad = recordingIo();
    expect(await main(['search', '--k', 'lots', 'x'], bad)).toBe(2);
    expect(await main(['search', '--bogus'], recordingIo())).toBe(2);
    expect(await main(['frobnicate'], recordingIo())).toBe(2);
  });

  it('says what to do when the KB folder does not exist', async () => {
    const t = recordingIo();
    expect(await main(['search', '--kb', join(kb, 'nope'), 'x'], t)).toBe(1);
    expect(t.stderr.join('')).toMatch(/nope/);
  });
});

describe('helpline ask', () => {
  it('--json prints {answer, action, citations}', async () => {
    const t = recordingIo();
    expect(await main(['ask', '--kb', kb, '--json', 'how do I reset my password'], t)).toBe(0);
    const out = JSON.parse(t.stdout.join(''));
    expect(Object.keys(out)).toEqual(['answer', 'action', 'citations']);
    expect(out.action).toBe('answered');
    expect(out.answer).toContain('SSO portal');
    expect(out.citations[0]).toEqual({
      source: 'en/password.md',
      title: 'Password reset',
      heading: 'Reset it yourself',
    });
  });

  it('declines what the KB does not cover', async () => {
    const t = recordingIo();
    await main(['ask', '--kb', kb, '--json', '公司班车早上几点发车'], t);
    const out = JSON.parse(t.stdout.join(''));
    expect(out.action).toBe('clarify');
    expect(out.citations).toEqual([]);
  });
});

describe('helpline ingest, config, eval', () => {
  it('ingest reports files, passages and skipped files with reasons', async () => {
    const t = recordingIo();
    expect(await main(['ingest', '--kb', kb, '--json'], t)).toBe(0);
    const out = JSON.parse(t.stdout.join(''));
    expect(out.files).toBe(3);
    expect(out.passages).toBeGreaterThanOrEqual(2);
    expect(out.skipped).toEqual([{ file: 'broken.pdf', reason: expect.any(String) }]);
  });

  it('config prints the effective configuration', async () => {
    const t = recordingIo();
    expect(await main(['config', '--json'], t)).toBe(0);
    expect(JSON.parse(t.stdout.join('')).server.port).toBeTypeOf('number');
  });

  it('eval prints recall@k, MRR and abstention for a question set', async () => {
    const questions = join(kb, '..', 'questions.jsonl');
    writeFileSync(
      questions,
      [
        {
          id: 'q1',
          lang: 'zh',
          question: '怎么请年假',
          gold: [{ source: 'zh/leave.md', anchor: '我的假期' }],
        },
        {
          id: 'q2',
          lang: 'en',
          question: 'forgot my password',
          gold: [{ source: 'en/password.md', anchor: 'SSO portal' }],
        },
        { id: 'q3', lang: 'en', question: 'what is on the cafeteria menu', gold: [] },
      ]
        .map((q) => JSON.stringify(q))
        .join('\n'),
    );
    const t = recordingIo();
    expect(await main(['eval', '--kb', kb, '--questions', questions], t)).toBe(0);
    const text = t.stdout.join('\n');
    expect(text).toMatch(/recall@1\s+recall@5\s+MRR@10/);
    expect(text).toMatch(/declined out-of-scope\s+1\.000/);
    const json = recordingIo();
    await main(['eval', '--kb', kb, '--questions', questions, '--json'], json);
    expect(JSON.parse(json.stdout.join('')).retrieval.all.recallAt5).toBe(1);
  });

  it('help lists the commands', async () => {
    const t = recordingIo();
    expect(await main(['--help'], t)).toBe(0);
    expect(t.stdout.join('')).toMatch(/serve[\s\S]*ingest[\s\S]*search[\s\S]*ask[\s\S]*eval/);
  });
});

describe('helpline classify', () => {
  it('--json prints {intent, severity, category, rationale, signals}', async () => {
    const t = recordingIo();
    expect(await main(['classify', '--json', '打卡系统全员进不去了'], t)).toBe(0);
    const out = JSON.parse(t.stdout.join(''));
    expect(Object.keys(out)).toEqual(['intent', 'severity', 'category', 'rationale', 'signals']);
    expect(out).toMatchObject({ intent: 'incident', severity: 'P0', category: 'attendance' });
    expect(out.signals[0]).toMatchObject({ name: expect.any(String), match: expect.any(String) });
  });

  it('--jsonl classifies one message per line; --role raises an HR admin payroll report', async () => {
    const t = recordingIo(['how do I request annual leave', '', 'payroll for my team is wrong this month']);
    expect(await main(['classify', '--jsonl', '--role', 'hr_admin'], t)).toBe(0);
    const [first, blank, third] = t.stdout.map((l) => JSON.parse(l));
    expect(first).toMatchObject({ intent: 'question', severity: 'P3', category: 'leave' });
    expect(blank.error.code).toBe('EMPTY_INPUT');
    expect(['P0', 'P1']).toContain(third.severity);
    expect(await main(['classify'], recordingIo())).toBe(2);
  });

  it('eval reports triage accuracy, macro-F1, P0 recall and the confusion matrix', async () => {
    const set = join(kb, '..', 'triage.jsonl');
    writeFileSync(
      set,
      [
        { text: '全公司都登不上 e-HR 了', intent: 'incident', severity: 'P0', category: 'account' },
        { text: 'how do I reset my password', intent: 'question', severity: 'P3', category: 'account' },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const t = recordingIo();
    expect(await main(['eval', '--questions', 'none', '--triage', set], t)).toBe(0);
    expect(t.stdout.join('\n')).toMatch(/P0 recall\s+100\.0%/);
    const json = recordingIo();
    await main(['eval', '--questions', 'none', '--triage', set, '--json'], json);
    const report = JSON.parse(json.stdout.join('')).triage;
    expect(report).toMatchObject({ n: 2, p0Recall: 1 });
    expect(report.confusion.P0.P0).toBe(1);
  });
});

describe('bin/helpline.js', () => {
  it('runs as a real process on the project Node', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/helpline.js', 'search', '--kb', kb, '--json', '年假'],
      {
        env: { ...process.env },
      },
    );
    expect(JSON.parse(stdout).results[0].source).toBe('zh/leave.md');
  });
});

describe('one-shot calls load only their own command', () => {
  it('the command table imports no command module up front (a classify must not load the server)', () => {
    const source = readFileSync(new URL('../../src/cli/commands/index.ts', import.meta.url), 'utf8');
    const eager = [...source.matchAll(/^import (?!type )[^;]*from '(\.\/[^']+)'/gm)].map((m) => m[1]);
    expect(eager).toEqual([]);
    expect(source).toMatch(/import\('\.\/classify\.ts'\)/);
  });
});
