import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { formatConfig, maskedConfig } from '../../src/config/print.ts';
import { llmEnabled } from '../../src/config/schema.ts';
import { isHelplineError } from '../../src/errors.ts';

const noFile = join(tmpdir(), 'helpline-no-such-config.yaml');

describe('config', () => {
  it('runs on defaults with nothing set', () => {
    const c = loadConfig({ env: {}, file: undefined });
    expect(c.server.port).toBe(3000);
    expect(c.kb.dir).toBe('./kb');
    expect(c.data.dir).toBe('./data');
    expect(c.lark.mode).toBe('ws');
    expect(llmEnabled(c)).toBe(false);
  });

  it('reads the DESIGN §6 environment variables', () => {
    const c = loadConfig({
      env: {
        PORT: '8080',
        HELPLINE_KB: '/srv/kb',
        OPENAI_BASE_URL: 'http://localhost:11434/v1',
        LARK_MODE: 'webhook',
      },
    });
    expect(c.server.port).toBe(8080);
    expect(c.kb.dir).toBe('/srv/kb');
    expect(llmEnabled(c)).toBe(true);
    expect(c.lark.mode).toBe('webhook');
  });

  it('merges helpline.config.yaml below the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpline-config-'));
    const file = join(dir, 'helpline.config.yaml');
    writeFileSync(file, 'server:\n  port: 4000\nretrieval:\n  synonyms:\n    - [飞书, lark]\n');
    expect(loadConfig({ env: {}, file }).server.port).toBe(4000);
    expect(loadConfig({ env: {}, file }).retrieval.synonyms).toEqual([['飞书', 'lark']]);
    expect(loadConfig({ env: { PORT: '5000' }, file }).server.port).toBe(5000);
  });

  it('names every invalid setting and its variable', () => {
    try {
      loadConfig({ env: { PORT: 'abc', LARK_MODE: 'smoke-signals', REDIS_URL: 'localhost' } });
      expect.unreachable();
    } catch (err) {
      expect(isHelplineError(err, 'CONFIG_INVALID')).toBe(true);
      const m = (err as Error).message;
      expect(m).toContain('server.port (PORT)');
      expect(m).toContain('lark.mode (LARK_MODE)');
      expect(m).toContain('REDIS_URL must be a URL');
    }
  });

  it('rejects a broken YAML file with a clear code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpline-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server: [unclosed');
    expect(() => loadConfig({ env: {}, file })).toThrowError(/Cannot read .*bad.yaml/);
    expect(() => loadConfig({ env: {}, file: noFile })).toThrowError(/does not exist/);
  });

  it('says what to fix when a chat platform or a triage route is half configured', () => {
    const problems = (env: Record<string, string>, overrides?: Record<string, unknown>) => {
      try {
        loadConfig({ env, ...(overrides ? { overrides } : {}) });
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(/SLACK_SIGNING_SECRET .*SLACK_APP_TOKEN/);
    expect(problems({ SLACK_APP_TOKEN: 'xapp-1' })).toMatch(/set SLACK_BOT_TOKEN/);
    expect(problems({ LARK_APP_ID: 'cli_1' })).toMatch(/LARK_APP_ID and LARK_APP_SECRET/);
    expect(problems({ LARK_APP_ID: 'cli_1', LARK_APP_SECRET: 's', LARK_MODE: 'webhook' })).toMatch(
      /LARK_VERIFICATION_TOKEN/,
    );
    expect(problems({ LARK_APP_ID: 'cli_1', LARK_APP_SECRET: 's' })).toBe('');
    const routes = {
      'handoff.routes': {
        payroll: { platform: 'slack', chat: 'C1' },
        lunch: { platform: 'lark', chat: 'oc_1' },
      },
    };
    const message = problems({ LARK_APP_ID: 'cli_1', LARK_APP_SECRET: 's' }, routes);
    expect(message).toMatch(/handoff.routes.payroll posts to Slack but Slack is not configured/);
    expect(message).toMatch(/handoff.routes.lunch: not a category/);
  });

  it('masks secrets when printed', () => {
    const c = loadConfig({
      env: {
        OPENAI_API_KEY: 'sk-very-secret-key',
        SLACK_BOT_TOKEN: 'xoxb-123456',
        SLACK_SIGNING_SECRET: 'signing-secret-abc',
        DATABASE_URL: 'postgres://u:hunter2@db/x',
      },
    });
    const text = formatConfig(c);
    expect(text).not.toContain('very-secret');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('xoxb-123456');
    expect(text).not.toContain('signing-secret-abc');
    expect(maskedConfig(c).database.url).toBe('postgres://u:****@db/x');
  });

  it('masks every password form in URLs: no user name, rediss, query parameters', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ REDIS_URL: 'redis://:pw1234@r:6379' }, 'redis://:****@r:6379'],
      [{ REDIS_URL: 'rediss://:pw1234@r:6379' }, 'rediss://:****@r:6379'],
      [{ REDIS_URL: 'redis://r:6379?password=pw1234' }, 'redis://r:6379?password=****'],
      [{ DATABASE_URL: 'postgres://u@db/x?password=pw1234' }, 'postgres://u@db/x?password=****'],
      [{ QDRANT_URL: 'https://q.example.com?api_key=pw1234' }, 'https://q.example.com?api_key=****'],
    ];
    for (const [env, masked] of cases) {
      const c = loadConfig({ env });
      expect(formatConfig(c)).not.toContain('pw1234');
      expect(JSON.stringify(maskedConfig(c))).toContain(masked);
    }
    // And `helpline config --json` itself, from the environment.
    const { main } = await import('../../src/cli/main.ts');
    const { recordingIo } = await import('../support/cli-io.ts');
    process.env.REDIS_URL = 'redis://:pw1234@r:6379';
    try {
      const io = recordingIo();
      expect(await main(['config', '--json'], io)).toBe(0);
      expect(io.stdout.join('')).not.toContain('pw1234');
      expect(JSON.parse(io.stdout.join('')).redis.url).toBe('redis://:****@r:6379');
    } finally {
      delete process.env.REDIS_URL;
    }
  });
});

describe('unknown keys in helpline.config.yaml', () => {
  const load = (yaml: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'helpline-config-')), 'helpline.config.yaml');
    writeFileSync(file, yaml);
    return () => loadConfig({ env: {}, file });
  };

  it('stops the start naming each unknown key and the key it probably meant', () => {
    const bad = load(
      'serverr:\n  port: 4000\nserver:\n  prot: 4001\nroles:\n  "slack:U1": { role: l2, categoriess: [leave] }\nsla:\n  policy:\n    P1: { firstResponseMinutes: 30, resolutionMinutes: 480, calendar: 24x7, resolutionDay: 2 }\n',
    );
    try {
      bad();
      expect.unreachable();
    } catch (err) {
      expect(isHelplineError(err, 'CONFIG_INVALID')).toBe(true);
      const m = (err as Error).message;
      expect(m).toContain('serverr: not a setting (did you mean server?)');
      expect(m).toContain('server.prot: not a setting (did you mean server.port?)');
      expect(m).toContain(
        'roles.slack:U1.categoriess: not a setting (did you mean roles.slack:U1.categories?)',
      );
      expect(m).toContain(
        'sla.policy.P1.resolutionDay: not a setting (did you mean sla.policy.P1.resolutionDays?)',
      );
      expect(m).toMatch(/helpline\.config\.yaml/);
    }
    expect(load('frobnicate: 1\n')).toThrowError(/frobnicate: not a setting; fix or remove it/);
  });

  it('accepts every declared key, free-form maps and calendars, and the example file', () => {
    const ok = load(
      'server:\n  port: 4000\nroles:\n  "li@example.com": hr_admin\n  "slack:U2": { role: l3, categories: [device] }\nsla:\n  calendars:\n    - { id: sg, timeZone: Asia/Singapore, workingHours: [{ start: "09:00", end: "18:00" }], weekdays: [1, 2, 3, 4, 5], holidays: [] }\noidc:\n  roles: { it-support: l2 }\n',
    );
    expect(ok().server.port).toBe(4000);
    expect(() => loadConfig({ env: {}, file: 'helpline.config.example.yaml' })).not.toThrow();
  });
});

describe('SLA settings', () => {
  it('defaults to the DESIGN §3 policy and keeps defaults for severities not overridden', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpline-config-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(
      file,
      'sla:\n  policy:\n    P1: { firstResponseMinutes: 30, resolutionMinutes: 480, calendar: cn-business }\n',
    );
    const c = loadConfig({ env: {}, file });
    expect(c.sla.policy.P0).toMatchObject({
      firstResponseMinutes: 15,
      resolutionMinutes: 240,
      calendar: '24x7',
    });
    expect(c.sla.policy.P1.firstResponseMinutes).toBe(30);
  });

  it('rejects a policy on an unknown calendar or an invalid calendar, saying what to fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpline-config-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'sla:\n  policy:\n    P2: { firstResponseMinutes: 30, resolutionMinutes: 480, calendar: mars-time }\n',
    );
    expect(() => loadConfig({ env: {}, file: bad })).toThrowError(/P2: calendar "mars-time" is not defined/);
    writeFileSync(
      bad,
      'sla:\n  calendars:\n    - { id: sg, timeZone: Mars/Olympus, workingHours: [{ start: "09:00", end: "18:00" }], weekdays: [1,2,3,4,5] }\n',
    );
    expect(() => loadConfig({ env: {}, file: bad })).toThrowError(/sla\.calendars/);
  });
});
