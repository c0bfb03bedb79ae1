/**
 * Throughput per added worker (issue 15 item 5): one `helpline serve --role web` and 1, 2, 3
 * `helpline worker` processes on one PostgreSQL and one Redis (HELPLINE_TEST_DATABASE_URL's server,
 * a fresh database each; REDIS_URL's database index 14, flushed). A burst of --messages web chat
 * messages (new threads, KB questions, no LLM) is posted at once; the figure is messages answered
 * per second, from the first post to the last turn outcome in the database.
 *   node bench/scale-out.bench.ts [--messages 200] [--workers 1,2,3]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';

const { values } = parseArgs({ options: { messages: { type: 'string' }, workers: { type: 'string' } } });
const MESSAGES = Number(values.messages ?? 200);
const COUNTS = (values.workers ?? '1,2,3').split(',').map(Number);
const PG = process.env.HELPLINE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = `${process.env.HELPLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'}/14`;
const QUESTIONS = [
  'How many days of annual leave do I get?',
  '怎么请年假?',
  'how do I reset my password',
  '工资条在哪里看',
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/helpline.js', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  return new Promise((resolve, reject) => {
    const on = (b: Buffer) => {
      text += b.toString();
      if (ready.test(text)) resolve(child);
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', () => reject(new Error(text)));
  });
}

async function run(workers: number): Promise<number> {
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  const name = `helpline_bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG);
  url.pathname = `/${name}`;
  const redis = new Redis(REDIS);
  await redis.flushdb();
  const dir = mkdtempSync(join(tmpdir(), 'helpline-scale-'));
  const env = (n: string) => ({
    DATABASE_URL: url.toString(),
    REDIS_URL: REDIS,
    HELPLINE_KB: 'kb',
    HELPLINE_DATA: join(dir, n),
  });
  const port = 3900 + workers;
  const children: ChildProcess[] = [];
  try {
    children.push(
      await start(['serve', '--role', 'web'], { ...env('web'), PORT: String(port) }, /Press Ctrl\+C/),
    );
    for (let i = 0; i < workers; i++) children.push(await start(['worker'], env(`w${i}`), /worker ready/));
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: MESSAGES }, (_, i) =>
        fetch(`http://127.0.0.1:${port}/api/chat/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId: `emp${i}`, text: QUESTIONS[i % QUESTIONS.length] }),
        }).then((r) => r.text()),
      ),
    );
    for (;;) {
      const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM turn_outcomes')).rows;
      if (n >= MESSAGES) break;
      await sleep(20);
    }
    const seconds = (performance.now() - started) / 1000;
    await db.end();
    return MESSAGES / seconds;
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await sleep(500);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await redis.flushdb();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: [number, number][] = [];
for (const n of COUNTS) rows.push([n, await run(n)]);
const base = rows[0][1];
console.log(`| workers | messages answered/s | vs ${rows[0][0]} |\n|---|---|---|`);
for (const [n, rate] of rows) console.log(`| ${n} | ${rate.toFixed(1)} | ${(rate / base).toFixed(2)}× |`);
