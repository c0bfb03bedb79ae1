/**
 * What the CLI does with input it did not expect: --jsonl keeps one output line per input line
 * (blank ones included), `helpline eval` names the file, line and field of a bad labelled set, and
 * option mistakes get Helpline's own USAGE messages (exit code 2), never a stack trace.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { recordingIo } from '../support/cli-io.ts';

let root: string;
let kb: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'helpline-cli-input-'));
  process.env.HELPLINE_DATA = join(root, 'data');
  kb = join(root, 'kb');
  mkdirSync(kb, { recursive: true });
  writeFileSync(
    join(kb, 'password.md'),
    '---\ntitle: Password reset\nlang: en\n---\n# Password reset\n\n## Reset it yourself\n\nOpen the SSO portal, choose Forgot password and verify with your mobile number.\n',
  );
});

const run = async (argv: string[], stdin: string[] = []) => {
  const io = recordingIo(stdin);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr.join('\n') };
};

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe('--jsonl: one JSON object per input line', () => {
  const input = ['reset my password', '', '   ', 'forgot password'];

  it.each([
    ['search', ['search', '--kb', 'KB', '--jsonl', '--k', '1']],
    ['ask', ['ask', '--kb', 'KB', '--jsonl']],
    ['classify', ['classify', '--offline', '--jsonl']],
  ])('%s answers blank and whitespace-only lines with an EMPTY_INPUT object', async (_name, argv) => {
    const { code, out } = await run(
      argv.map((a) => (a === 'KB' ? kb : a)),
      input,
    );
    expect(code).toBe(0);
    expect(out).toHaveLength(input.length);
    const objects = out.map((line) => JSON.parse(line));
    for (const i of [1, 2])
      expect(objects[i]).toEqual({ query: '', error: { code: 'EMPTY_INPUT', message: expect.any(String) } });
    for (const i of [0, 3]) expect(objects[i].error).toBeUndefined();
  });

  it('ask --jsonl objects carry the question they answer, beside the DESIGN §6 fields', async () => {
    const { out } = await run(['ask', '--kb', kb, '--jsonl'], ['reset my password', 'forgot password']);
    const objects = out.map((line) => JSON.parse(line));
    expect(objects.map((o) => o.question)).toEqual(['reset my password', 'forgot password']);
    expect(Object.keys(objects[0])).toEqual(['question', 'answer', 'action', 'citations']);
  });

  it('a real process reading standard input: printf "a\\n\\n\\nb\\n" | helpline search --jsonl gives 4 lines', async () => {
    const child = execFile(
      process.execPath,
      ['bin/helpline.js', 'search', '--kb', kb, '--jsonl', '--k', '1'],
      {
        env: { ...process.env },
      },
    );
    child.stdin?.end('a\n\n\nb\r\n');
    let stdout = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.query)).toEqual(['a', '', '', 'b']);
  });
});

describe('helpline eval input', () => {
  const file = (name: string, text: string) => {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  };

  it('names the file, line and missing fields of a questions file, exit code 2', async () => {
    const q = file('q.jsonl', '{"foo":"bar"}\n');
    const r = await run(['eval', '--kb', kb, '--questions', q, '--triage', 'none']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${q} line 1: missing "question", "gold", "id", "lang"`);
    noStack(r.err);
  });

  it('names the file, line and fields of a triage file: missing, or not one of the labels', async () => {
    const t = file(
      't.jsonl',
      '{"text":"vpn down","intent":"incident","severity":"P1","category":"account"}\n\n{"text":"x","intent":"incident","severity":"P9"}\n',
    );
    const r = await run(['eval', '--questions', 'none', '--triage', t]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `${t} line 3: missing "category"; severity must be one of P0, P1, P2, P3, not "P9"`,
    );
    const odd = file('odd.jsonl', '{"foo":"bar"}\n');
    const missing = await run(['eval', '--questions', 'none', '--triage', odd]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('line 1: missing "text", "intent", "severity", "category"');
    noStack(missing.err);
  });

  it('refuses an empty set and a line that is not JSON', async () => {
    const empty = file('empty.jsonl', '\n');
    const r = await run(['eval', '--kb', kb, '--questions', empty, '--triage', 'none']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`No questions in ${empty}`);
    expect(r.out.join('')).not.toMatch(/Infinity|NaN/);
    const noTriage = await run(['eval', '--questions', 'none', '--triage', empty]);
    expect(noTriage.err).toContain(`No messages in ${empty}`);
    const broken = file('broken.jsonl', '{"id":\n');
    expect((await run(['eval', '--questions', broken, '--triage', 'none'])).err).toContain(
      `${broken} line 1: not valid JSON`,
    );
  });
});

describe('option mistakes', () => {
  it('classify --role takes only the reporter roles, and lists them', async () => {
    const r = await run(['classify', '--role', 'bogus', 'payroll is wrong']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--role must be one of employee, hr_admin, manager, engineer; got "bogus"');
  });

  it('--json and --jsonl together are refused', async () => {
    for (const argv of [
      ['search', '--kb', kb, '--json', '--jsonl', 'x'],
      ['ask', '--json', '--jsonl'],
      ['classify', '--jsonl', '--json'],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('--json and --jsonl cannot be used together');
    }
  });

  it('a negative --k gets the range message, not "argument is ambiguous"', async () => {
    for (const argv of [
      ['search', '--kb', kb, '--k', '-1', 'x'],
      ['search', '--kb', kb, '--k=-1', 'x'],
      ['search', '--kb', kb, '--k', '0', 'x'],
      ['eval', '--k', '-3', '--questions', 'none', '--triage', 'none'],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('--k must be a whole number from 1 to 100');
      expect(r.err).not.toContain('ambiguous');
    }
  });

  it('an unknown option is named with balanced quotes and the option it probably meant', async () => {
    const r = await run(['search', '--bogus', 'x']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'Unknown option --bogus. To pass text that starts with "-", put it after "--": helpline search -- "--bogus"',
    );
    const near = await run(['search', '--jsnl']);
    expect(near.err).toContain('Unknown option --jsnl (did you mean --jsonl?)');
    // After "--", text starting with a dash is a query like any other.
    expect((await run(['classify', '--offline', '--json', '--', '--bogus'])).code).toBe(0);
  });
});
