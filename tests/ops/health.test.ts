import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import { dbCheck, healthRoutes, kbCheck, redisCheck } from '../../src/ops/health.ts';
import { createMetrics } from '../../src/ops/metrics.ts';
import { describeRedis, TEST_REDIS_URL } from '../idempotency/real-redis.ts';
import { eachBackend } from '../store/backends.ts';

const metrics = () => createMetrics({ processMetrics: false });
const ok = async () => {};

function recordingLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  return {
    lines,
    warn: (obj: Record<string, unknown>, msg: string) => lines.push({ level: 'warn', obj, msg }),
    info: (obj: Record<string, unknown>, msg: string) => lines.push({ level: 'info', obj, msg }),
  };
}

describe('healthRoutes', () => {
  it('GET /healthz answers 200 while the process runs, whatever the checks say', async () => {
    const app = healthRoutes({ checks: { db: () => Promise.reject(new Error('down')) }, metrics: metrics() });
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('GET /readyz is 200 with every check ok', async () => {
    const app = healthRoutes({ checks: { db: ok, redis: ok, kb: kbCheck(() => 120) }, metrics: metrics() });
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { db: 'ok', redis: 'ok', kb: 'ok' } });
  });

  it('GET /readyz is 503 naming the failing check and what to check', async () => {
    const app = healthRoutes({ checks: { db: ok, kb: kbCheck(() => 0) }, metrics: metrics() });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, string> };
    expect(body.status).toBe('not_ready');
    expect(body.checks.db).toBe('ok');
    expect(body.checks.kb).toMatch(/^error: the knowledge base has no passages; check that HELPLINE_KB/);
  });

  it('a check that hangs fails after the timeout; one that throws synchronously is caught too', async () => {
    const app = healthRoutes({
      checks: {
        slow: () => new Promise(() => {}),
        sync: (() => {
          throw new Error('boom');
        }) as () => Promise<void>,
      },
      metrics: metrics(),
      timeoutMs: 50,
    });
    const started = performance.now();
    const res = await app.request('/readyz');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not_ready',
      checks: {
        slow: 'error: no answer within 50 ms; check that the slow service is up and reachable from this host',
        sync: 'error: boom',
      },
    });
  });

  it('runs checks in parallel', async () => {
    const wait = () => sleep(150);
    const app = healthRoutes({ checks: { a: wait, b: wait, c: wait }, metrics: metrics() });
    const started = performance.now();
    expect((await app.request('/readyz')).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(400);
  });

  it('the default timeout is 2 s', async () => {
    const app = healthRoutes({ checks: { stuck: () => new Promise(() => {}) }, metrics: metrics() });
    const started = performance.now();
    const body = (await (await app.request('/readyz')).json()) as { checks: Record<string, string> };
    const ms = performance.now() - started;
    expect(body.checks.stuck).toMatch(/within 2000 ms/);
    expect(ms).toBeGreaterThanOrEqual(1990);
    expect(ms).toBeLessThan(2500);
  });

  it('logs a check when it starts failing and when it recovers, not on every probe', async () => {
    let up = false;
    const logger = recordingLogger();
    const app = healthRoutes({
      checks: { redis: async () => (up ? undefined : Promise.reject(new Error('PING failed'))) },
      metrics: metrics(),
      logger,
    });
    await app.request('/readyz');
    await app.request('/readyz');
    up = true;
    await app.request('/readyz');
    await app.request('/readyz');
    expect(logger.lines.map((l) => [l.level, l.msg, l.obj.check])).toEqual([
      ['warn', 'readiness check failing', 'redis'],
      ['info', 'readiness check recovered', 'redis'],
    ]);
  });

  it('GET /metrics serves the Prometheus text format with its content type', async () => {
    const m = metrics();
    m.turns.inc({ outcome: 'answered' });
    const app = healthRoutes({ checks: {}, metrics: m });
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toContain('helpline_turns_total{outcome="answered"} 1');
  });

  it('GET /metrics reports each readiness check as helpline_ready, run at scrape time', async () => {
    let up = false;
    const app = healthRoutes({
      checks: { db: async () => {}, redis: async () => (up ? undefined : Promise.reject(new Error('down'))) },
      metrics: metrics(),
    });
    const scrape = async () => (await (await app.request('/metrics')).text()).split('\n');
    expect(await scrape()).toEqual(
      expect.arrayContaining(['helpline_ready{check="db"} 1', 'helpline_ready{check="redis"} 0']),
    );
    up = true;
    expect(await scrape()).toContain('helpline_ready{check="redis"} 1');
  });

  it('mounts at the root of a parent app', async () => {
    const parent = new Hono();
    parent.route('/', healthRoutes({ checks: { kb: kbCheck(async () => 3) }, metrics: metrics() }));
    expect((await parent.request('/healthz')).status).toBe(200);
    expect((await parent.request('/readyz')).status).toBe(200);
    expect((await parent.request('/metrics')).status).toBe(200);
  });

  it("sets no-store on its own routes only, not on the parent's", async () => {
    const parent = new Hono();
    parent.get('/page', (c) => c.text('hi'));
    parent.route('/', healthRoutes({ checks: {}, metrics: metrics() }));
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await parent.request(path)).headers.get('cache-control'), path).toBe('no-store');
    }
    expect((await parent.request('/page')).headers.get('cache-control')).toBeNull();
  });
});

describe('kbCheck', () => {
  it('passes with passages and fails with KB_EMPTY without', async () => {
    await expect(kbCheck(() => 1)()).resolves.toBeUndefined();
    const err = await kbCheck(() => 0)().catch((e: unknown) => e);
    expect(isHelplineError(err, 'KB_EMPTY')).toBe(true);
  });
});

eachBackend('dbCheck', (ctx) => {
  it('passes on an open database and says what to check on a closed one', async () => {
    const db = await ctx.fresh({ migrate: false });
    await expect(dbCheck(db)()).resolves.toBeUndefined();
    const other = await ctx.sibling(db);
    await other.close();
    const err = await dbCheck(other)().catch((e: unknown) => e);
    expect(isHelplineError(err, 'DB_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toMatch(
      /^SELECT 1 failed \(.+\); check that PostgreSQL at DATABASE_URL is running/,
    );
  });
});

describeRedis('redisCheck', (ctx) => {
  it('PINGs through a URL, keeping one connection until close()', async () => {
    const check = redisCheck(TEST_REDIS_URL);
    try {
      await expect(check()).resolves.toBeUndefined();
      await expect(check()).resolves.toBeUndefined();
    } finally {
      await check.close();
    }
  });

  it('PINGs through a client it is given, and leaves that client open', async () => {
    const client = ctx.client();
    const check = redisCheck(client);
    await expect(check()).resolves.toBeUndefined();
    await check.close();
    expect(await client.ping()).toBe('PONG');
  });
});

describe('redisCheck without Redis', () => {
  it('fails fast with REDIS_UNAVAILABLE, the cause, and no password from the URL', async () => {
    const check = redisCheck('redis://:hunter2@127.0.0.1:1');
    try {
      const app = healthRoutes({ checks: { redis: check }, metrics: metrics() });
      const started = performance.now();
      const res = await app.request('/readyz');
      expect(performance.now() - started).toBeLessThan(2500);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, string> };
      expect(body.checks.redis).toMatch(
        /^error: PING failed \(.*ECONNREFUSED.*\); check that Redis at REDIS_URL is running/,
      );
      expect(JSON.stringify(body)).not.toContain('hunter2');
      // Later probes while ioredis reconnects answer at once with the last cause.
      const again = performance.now();
      const err = await check().catch((e: unknown) => e);
      expect(isHelplineError(err, 'REDIS_UNAVAILABLE')).toBe(true);
      expect(performance.now() - again).toBeLessThan(500);
    } finally {
      await check.close();
    }
  });
});
