/**
 * Bench-only diagnosis: times every SQL statement and Redis command the server sends, grouped by
 * statement text or command (and first key, with ids blanked), by wrapping PGlite's,
 * node-postgres's and ioredis's send methods in the server process. Times run from the call to the
 * answer: for PGlite (WebAssembly in the server's own thread, one call at a time) that is CPU the
 * event loop could not spend on requests; for PostgreSQL it includes waiting for a pooled
 * connection; for Redis, waiting behind earlier commands on the same connection.
 */
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import pg from 'pg';

interface Stat {
  calls: number;
  ms: number;
  maxMs: number;
}

const stats = new Map<string, Stat>();

function record(key: string, ms: number): void {
  const k = key.replace(/\s+/g, ' ').trim().slice(0, 140);
  const s = stats.get(k) ?? { calls: 0, ms: 0, maxMs: 0 };
  s.calls++;
  s.ms += ms;
  s.maxMs = Math.max(s.maxMs, ms);
  stats.set(k, s);
}

function timed<A extends unknown[], R>(label: (args: A) => string, fn: (...args: A) => Promise<R>) {
  return async function (this: unknown, ...args: A): Promise<R> {
    const start = performance.now();
    try {
      return await fn.apply(this, args);
    } finally {
      record(label(args), performance.now() - start);
    }
  };
}

type AnyFn = (...args: unknown[]) => unknown;
type AnyAsync = (...args: unknown[]) => Promise<unknown>;

/** Blanks the ids in a Redis key so commands on many jobs or groups fall in one row. */
function keyShape(key: unknown): string {
  if (typeof key !== 'string' && !Buffer.isBuffer(key)) return '';
  return String(key)
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27,}/gi, '<uuid>')
    .replace(/:\d+(?=:|$)/g, ':<n>')
    .replace(/(conversation|watchdog|turn|reply)[:%][^:]*$/, '$1:<id>');
}

export function installIoStats(): void {
  const proto = PGlite.prototype as unknown as Record<string, AnyAsync>;
  const sqlOf = (args: unknown[]) => `sql ${String(args[0])}`;
  for (const method of ['query', 'exec']) proto[method] = timed(sqlOf, proto[method]);
  const transaction = proto.transaction;
  proto.transaction = timed(
    () => 'sql (whole transaction, its statements counted above too)',
    function (this: unknown, ...args: unknown[]) {
      const callback = args[0] as (tx: Record<string, AnyAsync>) => Promise<unknown>;
      return transaction.call(this, (tx: Record<string, AnyAsync>) =>
        callback({ ...tx, query: timed(sqlOf, tx.query), exec: timed(sqlOf, tx.exec) }),
      );
    },
  );

  const client = pg.Client.prototype as unknown as Record<string, AnyFn>;
  const query = client.query;
  client.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text);
    const start = performance.now();
    const done = () => record(`sql ${text}`, performance.now() - start);
    const last = args.at(-1);
    if (typeof last === 'function') {
      // pg-pool's own calls pass a callback: time until it is called.
      args[args.length - 1] = (...cbArgs: unknown[]) => {
        done();
        return (last as AnyFn)(...cbArgs);
      };
      return query.apply(this, args);
    }
    const result = query.apply(this, args) as Promise<unknown> | undefined;
    result?.then(done, done);
    return result;
  };

  const redis = Redis.prototype as unknown as Record<string, AnyFn>;
  const sendCommand = redis.sendCommand;
  redis.sendCommand = function (this: unknown, ...args: unknown[]) {
    const command = args[0] as { name: string; args: unknown[]; promise: Promise<unknown> };
    const start = performance.now();
    const result = sendCommand.apply(this, args);
    const name = command.name.toLowerCase();
    // evalsha/eval: KEYS start after the script and the key count.
    const key = name.startsWith('eval') ? command.args[2] : command.args[0];
    const label = `redis ${name} ${keyShape(key)}`;
    command.promise.then(
      () => record(label, performance.now() - start),
      () => record(label, performance.now() - start),
    );
    return result;
  };
}

/** Commands that wait for work by design: their time is idle, not cost. */
const BLOCKING = /^redis (bzpopmin|bzpopmax|brpoplpush|blmove|brpop|blpop|xread)/;

export function ioStatsReport(top = 60): string {
  const totals = { sql: { calls: 0, ms: 0 }, redis: { calls: 0, ms: 0 } };
  for (const [what, s] of stats) {
    if (what.startsWith('sql (whole transaction') || BLOCKING.test(what)) continue;
    const t = what.startsWith('sql ') ? totals.sql : totals.redis;
    t.calls += s.calls;
    t.ms += s.ms;
  }
  const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
  const lines = [
    `SQL statements: ${totals.sql.calls} calls, ${totals.sql.ms.toFixed(0)} ms; ` +
      `Redis commands (blocking waits excluded): ${totals.redis.calls} calls, ${totals.redis.ms.toFixed(0)} ms`,
    '',
    '   total ms    calls  mean ms   max ms  statement or command',
  ];
  for (const [what, s] of rows)
    lines.push(
      `${s.ms.toFixed(0).padStart(11)} ${String(s.calls).padStart(8)} ${(s.ms / s.calls).toFixed(2).padStart(8)} ${s.maxMs.toFixed(1).padStart(8)}  ${what}`,
    );
  return lines.join('\n');
}
