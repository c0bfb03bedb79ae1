import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, maskForLog, withContext } from '../../src/ops/logger.ts';
import { isChineseId } from '../../src/privacy/pii.ts';

const ID = '11010519491231002X';

function capture(level?: string) {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (s: string) => void lines.push(s) } });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, ISO time and message', () => {
    const { logger, lines, records } = capture();
    logger.info({ queue: 'inbound' }, 'job added');
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    const [r] = records();
    expect(r).toMatchObject({ level: 30, msg: 'job added', queue: 'inbound' });
    expect(new Date(r.time as string).toISOString()).toBe(r.time);
  });

  it('honours the level', () => {
    const { logger, records } = capture('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(records().map((r) => r.msg)).toEqual(['loud']);
  });

  it('redacts secrets at the top level and nested, headers and config included', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer sk-live-1', cookie: 'sid=abc', 'set-cookie': 'sid=def' } },
        token: 'xoxb-123',
        apiKey: 'sk-abc',
        password: 'hunter2',
        config: {
          slack: { botToken: 'xoxb-456', signingSecret: 'sig-secret' },
          lark: { appSecret: 'lark-secret', encryptKey: 'enc-key', verificationToken: 'vt' },
          llm: { apiKey: 'sk-def' },
          database: { url: 'postgres://u:dbpass@h/db' },
          redis: { url: 'redis://:redispass@h:6379' },
        },
        lark: { tenant_access_token: 't-123' },
      },
      'request',
    );
    const line = lines[0];
    for (const secret of [
      'sk-live-1',
      'sid=abc',
      'sid=def',
      'xoxb-123',
      'sk-abc',
      'hunter2',
      'xoxb-456',
      'sig-secret',
      'lark-secret',
      'enc-key',
      '"vt"',
      'sk-def',
      'dbpass',
      'redispass',
      't-123',
    ]) {
      expect(line, secret).not.toContain(secret);
    }
    const r = JSON.parse(line);
    expect(r.req.headers.authorization).toBe('[Redacted]');
    expect(r.config.slack.botToken).toBe('[Redacted]');
    expect(r.config.database.url).toBe('[Redacted]');
  });

  it('masks PII in message text fields even when the caller forgot maskForLog', () => {
    const { logger, lines, records } = capture();
    logger.info(
      { text: `我的身份证号是${ID}`, event: { text: `call me at 13812345678` } },
      'message received',
    );
    expect(lines[0]).not.toContain(ID);
    expect(lines[0]).not.toContain('13812345678');
    const [r] = records();
    expect(r.text).toBe('我的身份证号是[ID ••••002X]');
    expect((r.event as { text: string }).text).toBe('call me at [PHONE ••••5678]');
  });

  it('a log line of a message carrying an ID number shows it masked', () => {
    expect(isChineseId(ID)).toBe(true);
    const { logger, lines } = capture();
    logger.info({ threadId: 't1' }, `user wrote: ${maskForLog(`请帮我查一下 ${ID} 的工资 12000 元`)}`);
    expect(lines[0]).not.toContain(ID);
    expect(lines[0]).not.toContain('12000');
    expect(JSON.parse(lines[0]).msg).toBe('user wrote: 请帮我查一下 [ID ••••002X] 的工资 [SALARY]');
  });

  it('writes to stderr by default, leaving stdout to the CLI', async () => {
    const logger = fileURLToPath(new URL('../../src/ops/logger.ts', import.meta.url));
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '-e',
      `import { createLogger } from ${JSON.stringify(logger)}; createLogger().info({ token: 'xoxb-1' }, 'hello');`,
    ]);
    expect(stdout).toBe('');
    const r = JSON.parse(stderr.trim().split('\n').at(-1)!);
    expect(r).toMatchObject({ msg: 'hello', token: '[Redacted]' });
  });
});

describe('withContext', () => {
  it('adds the given ids to every line and leaves out the missing ones', () => {
    const { logger, records } = capture();
    const log = withContext(logger, {
      eventId: 'Ev1',
      threadId: 't1',
      platform: 'slack',
      ticketId: undefined,
    });
    log.info('turn started');
    log.warn({ ms: 12 }, 'slow');
    const [a, b] = records();
    expect(a).toMatchObject({ eventId: 'Ev1', threadId: 't1', platform: 'slack', msg: 'turn started' });
    expect('ticketId' in a).toBe(false);
    expect(b).toMatchObject({ eventId: 'Ev1', ms: 12 });
  });

  it('nests: a ticket id added later keeps the event id', () => {
    const { logger, records } = capture();
    withContext(withContext(logger, { eventId: 'Ev1' }), { ticketId: 'HL-1001' }).info('ticket opened');
    expect(records()[0]).toMatchObject({ eventId: 'Ev1', ticketId: 'HL-1001' });
  });
});

describe('maskForLog', () => {
  it('masks every kind of PII the privacy module knows', () => {
    const masked = maskForLog(
      `ID ${ID}, card 4111 1111 1111 1111, phone +86 138 1234 5678, mail li.lei@example.com`,
    );
    expect(masked).toContain('[ID ••••002X]');
    expect(masked).toContain('[CARD ••••1111]');
    expect(masked).toContain('[EMAIL]');
    expect(masked).toMatch(/\[PHONE ••••5678\]/);
    expect(masked).not.toContain('li.lei@example.com');
  });

  it('leaves text without PII alone and bounds long text', () => {
    expect(maskForLog('how many leave days do I have?')).toBe('how many leave days do I have?');
    const long = maskForLog('a'.repeat(5000));
    expect(long).toBe(`${'a'.repeat(1000)}… (+4000 chars)`);
    expect(maskForLog('abcdef', 3)).toBe('abc… (+3 chars)');
  });
});

describe('error logs are masked like every other log line', () => {
  const CARD = '6222 0212 3456 7890 128';

  it("a real database error's message, params and cause show ID and card numbers masked", async () => {
    const { openPglite } = await import('../../src/store/pglite.ts');
    const db = await openPglite({});
    try {
      await db.exec('CREATE TABLE t (x text)');
      const stored = `my ID ${ID} and card ${CARD.replaceAll(' ', '')}\u0000`;
      const err = await db.query('INSERT INTO t VALUES ($1)', [stored]).catch((e: unknown) => e);
      expect((err as { params: unknown[] }).params).toEqual([stored]);
      const { logger, lines } = capture();
      logger.error({ err, eventId: 'Ev1' }, 'event job failed');
      logger.error(new Error(`insert failed for ${ID}`, { cause: err }));
      logger.error(err as Error);
      const out = lines.join('');
      expect(out).not.toContain(ID);
      expect(out).not.toContain('6222021234567890128');
      expect(out).toContain('[ID ••••002X]');
      expect(out).toContain('[CARD ••••0128]');
      expect(lines).toHaveLength(3);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      expect(JSON.parse(lines[0]).err.params[0]).toMatch(/^my ID \[ID ••••002X\] and card \[CARD ••••0128\]/);
    } finally {
      await db.close();
    }
  });

  it('masks PII in the message string, nested objects, arrays and numbers, and keeps ordinary numbers', () => {
    const { logger, records } = capture();
    logger.warn(
      { req: { body: { phone: 13812345678, order: 20260101123456, ids: [ID] } }, count: 3 },
      `lookup for ${ID} failed`,
    );
    const [r] = records();
    expect(r.msg).toBe('lookup for [ID ••••002X] failed');
    expect(r.req).toEqual({
      body: { phone: '[PHONE ••••5678]', order: 20260101123456, ids: ['[ID ••••002X]'] },
    });
    expect(r.count).toBe(3);
  });

  it('still redacts secrets and cuts long text', () => {
    const { logger, records } = capture();
    logger.info({ token: `xoxb-${ID}`, text: `${ID} ${'a'.repeat(2000)}` }, 'x');
    const [r] = records();
    expect(r.token).toBe('[Redacted]');
    expect(r.text).toMatch(/^\[ID ••••002X\] a+… \(\+\d+ chars\)$/);
  });

  it('survives circular objects', () => {
    const { logger, records } = capture();
    const a: Record<string, unknown> = { id: ID };
    a.self = a;
    logger.info({ a }, 'loop');
    expect(records()[0].a).toEqual({ id: '[ID ••••002X]', self: '[Circular]' });
  });
});
