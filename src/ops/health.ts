/**
 * Liveness, readiness and metrics endpoints (DESIGN §6): GET /healthz, GET /readyz, GET /metrics.
 * Liveness says only "the process answers"; readiness runs every dependency check (in parallel,
 * each bounded by a timeout) so a load balancer stops routing to a process that cannot serve.
 */
import { Hono } from 'hono';
import { HelplineError } from '../errors.ts';
import type { Queryable } from '../store/database.ts';
import { maskUrlsIn } from '../util/mask-url.ts';
import type { LogSink } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { withTimeout } from './with-timeout.ts';

/** Resolves when the dependency is usable; rejects with a message that says what to check. */
export type HealthCheck = () => Promise<void>;

export interface HealthOptions {
  /** Named readiness checks, e.g. `{ db: dbCheck(db), redis: redisCheck(url), kb: kbCheck(...) }`. */
  checks: Record<string, HealthCheck>;
  /** Also fed the checks for `helpline_ready` when it has `watchReadiness`. */
  metrics: Pick<Metrics, 'render' | 'contentType'> & Partial<Pick<Metrics, 'watchReadiness'>>;
  /** Each check fails if it has not settled within this time. @defaultValue 2000 */
  timeoutMs?: number;
  /** More to show in /readyz's report (the turn backlog); never makes it fail. */
  details?: () => Record<string, unknown>;
  /** Logs a check when it starts failing and when it recovers (not on every probe). */
  logger?: Pick<LogSink, 'warn' | 'info'>;
}

export type CheckResult = 'ok' | `error: ${string}`;

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, CheckResult>;
}

const NO_STORE = { 'Cache-Control': 'no-store' };

export function healthRoutes(options: HealthOptions): Hono {
  const timeoutMs = options.timeoutMs ?? 2000;
  const failing = new Set<string>();
  const app = new Hono();
  options.metrics.watchReadiness?.(async () => {
    const report = await runChecks(options.checks, timeoutMs);
    return Object.fromEntries(Object.entries(report.checks).map(([name, r]) => [name, r === 'ok']));
  });

  // Per route, not app.use('*'): mounted at '/', a wildcard middleware would reach the parent's routes.
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, NO_STORE));

  app.get('/readyz', async (c) => {
    const report = await runChecks(options.checks, timeoutMs);
    for (const [name, result] of Object.entries(report.checks)) {
      if (result !== 'ok' && !failing.has(name)) {
        failing.add(name);
        options.logger?.warn({ check: name, result }, 'readiness check failing');
      } else if (result === 'ok' && failing.delete(name)) {
        options.logger?.info({ check: name }, 'readiness check recovered');
      }
    }
    return c.json({ ...report, ...options.details?.() }, report.status === 'ready' ? 200 : 503, NO_STORE);
  });

  app.get('/metrics', async (c) => {
    const text = await options.metrics.render();
    return c.body(text, 200, { ...NO_STORE, 'Content-Type': options.metrics.contentType });
  });

  return app;
}

/** Runs every check in parallel, each bounded by `timeoutMs`. */
export async function runChecks(
  checks: Record<string, HealthCheck>,
  timeoutMs: number,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      try {
        await withTimeout(
          Promise.resolve().then(check),
          timeoutMs,
          `no answer within ${timeoutMs} ms; check that the ${name} service is up and reachable from this host`,
        );
        return [name, 'ok'];
      } catch (err) {
        return [name, `error: ${err instanceof Error ? err.message : String(err)}`];
      }
    }),
  );
  const results = Object.fromEntries(entries);
  return { status: entries.every(([, r]) => r === 'ok') ? 'ready' : 'not_ready', checks: results };
}

/** `SELECT 1` on the database (PostgreSQL at DATABASE_URL, or the embedded one). */
export function dbCheck(db: Pick<Queryable, 'query'>): HealthCheck {
  return async () => {
    try {
      await db.query('SELECT 1');
    } catch (err) {
      throw new HelplineError(
        'DB_UNAVAILABLE',
        `SELECT 1 failed (${maskUrlsIn(messageOf(err))}); check that PostgreSQL at DATABASE_URL is running, or that the embedded database under HELPLINE_DATA is readable`,
        { cause: err },
      );
    }
  };
}

/** What redisCheck needs of a client: an ioredis `Redis` (or `Cluster`) fits. */
export interface RedisPingable {
  ping(): Promise<string>;
  readonly status: string;
}

export interface RedisHealthCheck extends HealthCheck {
  /** Closes the connection the check opened from a URL; a no-op for a client passed in. */
  close(): Promise<void>;
}

/**
 * PING on Redis. Given a URL, the check opens one connection on first use and keeps it (close it
 * at shutdown); given a client (the job runner's), it uses that one and never closes it.
 */
export function redisCheck(target: string | RedisPingable): RedisHealthCheck {
  let client: RedisPingable | undefined = typeof target === 'string' ? undefined : target;
  let owned: { quit(): Promise<unknown>; disconnect(): void } | undefined;
  let lastError: string | undefined;

  const connect = async (url: string): Promise<RedisPingable> => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    // Without a listener ioredis prints every failed reconnect; keep the reason for the message.
    redis.on('error', (err: Error) => {
      lastError = err.message;
    });
    redis.on('ready', () => {
      lastError = undefined;
    });
    owned = redis;
    return redis;
  };

  const check = async () => {
    client ??= await connect(target as string);
    // A client that is reconnecting would queue the PING until the timeout: fail now with the cause.
    if ((client.status === 'reconnecting' || client.status === 'end') && lastError) {
      throw unavailable(lastError);
    }
    try {
      await client.ping();
    } catch (err) {
      throw unavailable(lastError ?? messageOf(err), err);
    }
  };

  return Object.assign(check, {
    async close() {
      if (!owned) return;
      const closing = owned;
      owned = undefined;
      await closing.quit().catch(() => closing.disconnect());
    },
  });
}

function unavailable(reason: string, cause?: unknown): HelplineError {
  return new HelplineError(
    'REDIS_UNAVAILABLE',
    `PING failed (${maskUrlsIn(reason)}); check that Redis at REDIS_URL is running and reachable from this host`,
    { cause },
  );
}

/**
 * The knowledge base has passages. `count` returns how many are indexed now (it may change on a
 * re-index, so it is read on each probe).
 */
export function kbCheck(count: () => number | Promise<number>): HealthCheck {
  return async () => {
    const n = await count();
    if (!(n > 0)) {
      throw new HelplineError(
        'KB_EMPTY',
        'the knowledge base has no passages; check that HELPLINE_KB points at a folder of articles (.md, .txt, .html, .pdf, .docx), then run `helpline ingest` or restart',
      );
    }
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
