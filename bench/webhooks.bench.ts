/**
 * Webhook ack benchmark: how fast Helpline acks Slack's and Lark's event callbacks while it answers
 * them, with no LLM. DESIGN §8 target: webhook ack p99 < 50 ms (at 200 requests/s).
 *
 *   npm run bench:webhooks                        embedded runner, full run (about 3.5 minutes on 2 cores)
 *   npm run bench:webhooks -- --quick             5 s phases (about 1.2 minutes)
 *   npm run -s bench:webhooks -- --json           machine-readable results
 *   npm run bench:webhooks -- --from FILE.json    the tables of a saved --json run
 *   npm run bench:webhooks -- --runner both       also BullMQ + PostgreSQL (about 10 minutes; Redis, PostgreSQL)
 *   npm run bench:webhooks -- --quick --prof-dir prof   CPU profile + SQL/Redis timings of the server
 *   npm run bench:webhooks -- --log-dir logs --log-level info   keep the server's and stand-ins' logs
 *
 * Per runner, one fresh server (bench/lib/server-child.ts: what `helpline serve` runs) in its own
 * process, with Slack (HTTP events: SLACK_SIGNING_SECRET) and Lark/Feishu (LARK_MODE=webhook,
 * encrypted and signed) configured against local stand-ins of their APIs, which run in a third
 * process (lib/stand-ins-child.ts) and receive the answers:
 *   embedded  in-process runner, PGlite in a temporary folder (the default);
 *   bullmq    BullMQ on an empty Redis database index claimed for the run, PostgreSQL in a database
 *             created for the run; both removed afterwards.
 * Phases: warm-up (both platforms, drained) → the HTTP floor (GET /healthz open-loop at the ack
 * rate) → Slack (POST /slack/events open-loop, then drained until every answer reached the Slack
 * stand-in) → Lark (POST /lark/events, likewise). Latency counts from the scheduled send
 * (lib/http-load.ts), so a stalled server cannot hide behind a waiting client. Each request is a
 * new message (own event id) with a real question from the KB, from one of 500 employees, each in
 * their own DM with the bot.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ENV } from '../src/config/schema.ts';
import type { CpuUse } from './lib/cpu-meter.ts';
import { floorPhase, type LoadResult } from './lib/jobs-phases.ts';
import { kbQuestions } from './lib/kb-questions.ts';
import { type ServerProcess, startServerProcess } from './lib/server-process.ts';
import { type Throwaway, tempDir, throwawayPostgres, throwawayRedisDb } from './lib/services.ts';
import { LARK_TENANT, SLACK_BOT, type StandIns, startStandIns } from './lib/stand-ins-process.ts';
import { table } from './lib/table.ts';
import {
  PLATFORM_TIMEOUT_MS,
  type Platform,
  WEBHOOK_PATH,
  type WebhookAckResult,
  type WebhookContext,
  webhookAckPhase,
} from './lib/webhook-phases.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const TARGET_ACK_P99_MS = 50;

const { values: args } = parseArgs({
  options: {
    runner: { type: 'string', default: 'embedded' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'ack-rate': { type: 'string', default: '200' },
    'ack-seconds': { type: 'string' },
    'floor-seconds': { type: 'string' },
    'warm-seconds': { type: 'string' },
    users: { type: 'string', default: '500' },
    'drain-seconds': { type: 'string', default: '300' },
    kb: { type: 'string', default: path.join(ROOT, 'kb') },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'prof-dir': { type: 'string' },
    'log-dir': { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    seed: { type: 'string', default: '42' },
    from: { type: 'string' },
  },
});

function positive(flag: string, fallback: number): number {
  const raw = (args as Record<string, unknown>)[flag];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} must be a positive number, not "${raw}".`);
  return n;
}

const quick = args.quick;
type Settings = typeof settings;
const settings = {
  ackRate: positive('ack-rate', 200),
  ackSeconds: positive('ack-seconds', quick ? 5 : 20),
  floorSeconds: positive('floor-seconds', quick ? 3 : 10),
  warmSeconds: positive('warm-seconds', quick ? 1 : 2),
  users: Math.round(positive('users', 500)),
  drainMs: positive('drain-seconds', 300) * 1000,
  seed: Math.round(positive('seed', 42)),
};

type RunnerName = 'embedded' | 'bullmq';
const RUNNERS: RunnerName[] = args.runner === 'both' ? ['embedded', 'bullmq'] : [args.runner as RunnerName];
for (const r of RUNNERS)
  if (r !== 'embedded' && r !== 'bullmq')
    throw new Error(`--runner must be embedded, bullmq or both, not "${args.runner}".`);

const LABEL: Record<RunnerName, string> = {
  embedded: 'in-process + PGlite',
  bullmq: 'BullMQ + PostgreSQL',
};

interface RunnerResult {
  runner: RunnerName;
  label: string;
  startupMs: number;
  warmUp: Record<Platform, WebhookAckResult>;
  floor: LoadResult;
  slack: WebhookAckResult;
  lark: WebhookAckResult;
}

/** The bench's environment minus every Helpline setting, so only what a runner sets applies. */
function cleanEnv(): Record<string, string> {
  const drop = new Set([...Object.keys(ENV), 'HELPLINE_CONFIG', 'LOG_LEVEL']);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !drop.has(k)) out[k] = v;
  // The stand-ins are on loopback: never through a proxy the caller may have set.
  const noProxy = ['127.0.0.1', 'localhost', out.NO_PROXY].filter(Boolean).join(',');
  out.NO_PROXY = noProxy;
  out.no_proxy = noProxy;
  return out;
}

const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const next = cleanups.pop()!;
    await next().catch((err) => console.error(`cleanup: ${(err as Error).message}`));
  }
}
function track<T>(t: Throwaway<T>): T {
  cleanups.push(t.drop);
  return t.value;
}

/** The banner names how each platform started; a platform that did not is a failed run. */
function checkPlatforms(server: ServerProcess): void {
  const tail = server.tail();
  const slack = /Slack\s+HTTP events at POST \/slack\/events/.test(tail);
  const lark = /Lark\/Feishu\s+webhook POST \/lark\/events/.test(tail);
  if (!slack || !lark)
    throw new Error(
      `the server did not start ${[!slack && 'Slack (HTTP events)', !lark && 'Lark (webhook)'].filter(Boolean).join(' and ')}`,
    );
}

async function runRunner(runner: RunnerName, questions: string[]): Promise<RunnerResult> {
  const dir = track(tempDir(`webhooks-${runner}`));
  // Logs in the temporary folder go with it; --log-dir keeps them.
  const logDir = args['log-dir'] ? path.resolve(args['log-dir']) : dir;
  mkdirSync(logDir, { recursive: true });
  const progress = (s: string) => process.stderr.write(`[${runner}] ${s}\n`);
  const base = cleanEnv();
  const standIns: StandIns = await startStandIns({
    env: { ...base, BENCH_USERS: String(settings.users) },
    logFile: path.join(logDir, `webhooks-${runner}.stand-ins.log`),
    startTimeoutMs: 30_000,
  });
  cleanups.push(() => standIns.stop());
  const slack = { signingSecret: randomBytes(16).toString('hex'), ...SLACK_BOT };
  const lark = {
    encryptKey: randomBytes(12).toString('base64url'),
    verificationToken: `v_${randomBytes(8).toString('hex')}`,
    appId: standIns.larkAppId,
    tenantKey: LARK_TENANT,
  };
  const env: Record<string, string> = {
    ...base,
    PORT: '0',
    HELPLINE_HOST: '127.0.0.1',
    HELPLINE_KB: path.resolve(args.kb),
    HELPLINE_DATA: path.join(dir, 'data'),
    LOG_LEVEL: args['log-level'],
    SLACK_BOT_TOKEN: 'xoxb-bench-0000000000-helpline',
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: standIns.slackApiUrl,
    LARK_APP_ID: standIns.larkAppId,
    LARK_APP_SECRET: standIns.larkAppSecret,
    LARK_DOMAIN: standIns.larkUrl,
    LARK_MODE: 'webhook',
    LARK_ENCRYPT_KEY: lark.encryptKey,
    LARK_VERIFICATION_TOKEN: lark.verificationToken,
  };
  if (runner === 'bullmq') {
    env.REDIS_URL = track(await throwawayRedisDb(args['redis-url']));
    env.DATABASE_URL = track(await throwawayPostgres(args['pg-url']));
  }
  const profDir = args['prof-dir'] ? path.resolve(args['prof-dir']) : undefined;
  if (profDir) {
    mkdirSync(profDir, { recursive: true });
    env.HELPLINE_BENCH_IO_STATS = path.join(profDir, `webhooks-${runner}.io-stats.txt`);
  }
  progress('starting the server (Slack and Lark against the stand-ins)…');
  const server: ServerProcess = await startServerProcess({
    env,
    cwd: dir,
    logFile: path.join(logDir, `webhooks-${runner}.server.log`),
    execArgv: profDir
      ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=webhooks-${runner}.cpuprofile`]
      : [],
    startTimeoutMs: 180_000,
    stopTimeoutMs: 15_000,
  });
  cleanups.push(() => server.stop());
  try {
    checkPlatforms(server);
    const ctx: WebhookContext = {
      server,
      standIns,
      questions,
      cores: os.availableParallelism(),
      users: settings.users,
      slack,
      lark,
    };
    const s = settings;
    const drainS = `drain ≤ ${Math.round(s.drainMs / 1000)} s`;
    progress(`ready in ${(server.startupMs / 1000).toFixed(1)} s; warm-up ${s.warmSeconds} s per platform…`);
    const warmSlack = await webhookAckPhase(ctx, 'slack', s.ackRate, s.warmSeconds, s.drainMs, 'warm-slack-');
    const warmLark = await webhookAckPhase(ctx, 'lark', s.ackRate, s.warmSeconds, s.drainMs, 'warm-lark-');
    progress(`floor: GET /healthz ${s.ackRate}/s × ${s.floorSeconds} s…`);
    const floor = await floorPhase(ctx, s.ackRate, s.floorSeconds);
    // Different questions per phase (offset), each phase starting on an empty queue.
    const half = Math.floor(questions.length / 2);
    progress(`Slack: POST /slack/events ${s.ackRate}/s × ${s.ackSeconds} s, then ${drainS}…`);
    const slackResult = await webhookAckPhase(
      ctx,
      'slack',
      s.ackRate,
      s.ackSeconds,
      s.drainMs,
      'bench-slack-',
      0,
    );
    progress(done(slackResult));
    progress(`Lark: POST /lark/events ${s.ackRate}/s × ${s.ackSeconds} s, then ${drainS}…`);
    const larkResult = await webhookAckPhase(
      ctx,
      'lark',
      s.ackRate,
      s.ackSeconds,
      s.drainMs,
      'bench-lark-',
      half,
    );
    progress(done(larkResult));
    return {
      runner,
      label: LABEL[runner],
      startupMs: server.startupMs,
      warmUp: { slack: warmSlack, lark: warmLark },
      floor,
      slack: slackResult,
      lark: larkResult,
    };
  } catch (err) {
    throw new Error(
      `${(err as Error).message}\nServer's last lines:\n${server.tail()}\nStand-ins' last lines:\n${standIns.tail()}`,
      { cause: err },
    );
  } finally {
    await server.stop();
    await standIns.stop();
  }
}

function done(r: WebhookAckResult): string {
  return `  ${r.ok}/${r.sent} acked, p99 ${ms1(r.latency.p99)} ms; ${r.delivery.answered} answered, ${r.delivery.missing} missing; drained in ${ms1(r.drain.seconds)} s${r.drain.complete ? '' : ' (NOT complete)'}`;
}

// ---- report ----

const f = (d: number) => (x: number) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const ms1 = f(1);
const mark = (pass: boolean) => (pass ? '✓' : '✗');

const errs = (x: LoadResult) =>
  x.errors === 0
    ? '0'
    : `${x.errors} (${Object.entries(x.errorKinds)
        .map(([k, n]) => `${k}: ${n}`)
        .join('; ')})`;

const record = (o: Record<string, number>) =>
  Object.keys(o).length === 0
    ? '0'
    : Object.entries(o)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');

/** Whether an ack phase meets the target: p99 under it, no errors, every acked event answered once. */
function passes(r: WebhookAckResult): boolean {
  return (
    r.latency.p99 < TARGET_ACK_P99_MS &&
    r.errors === 0 &&
    r.delivery.missing === 0 &&
    r.delivery.repeatedKeys === 0 &&
    r.drain.complete
  );
}

interface Row {
  metric: string;
  floor?: (r: RunnerResult) => string;
  ack?: (a: WebhookAckResult, r: RunnerResult) => string;
  target?: string;
}

function cpuRows(): Row[] {
  const c = (g: (u: CpuUse) => number) => ({
    floor: (r: RunnerResult) => f(2)(g(r.floor.cpu)),
    ack: (a: WebhookAckResult) => f(2)(g(a.cpu)),
  });
  return [
    { metric: 'CPU (cores busy) during the phase:' },
    { metric: '  server process', ...c((u) => u.serverCores) },
    { metric: '  load generator', ...c((u) => u.generatorCores) },
    { metric: '  platform stand-ins', ack: (a) => f(2)(a.standInsCores) },
    { metric: '  redis-server + postgres', ...c((u) => u.servicesCores) },
    { metric: '  other processes', ...c((u) => u.otherCores) },
    {
      metric: '  whole machine busy',
      floor: (r) => `${f(2)(r.floor.cpu.machineBusyCores)} of ${r.floor.cpu.cores}`,
      ack: (a) => `${f(2)(a.cpu.machineBusyCores)} of ${a.cpu.cores}`,
    },
  ];
}

function rows(): Row[] {
  return [
    {
      metric: 'requests sent / 2xx',
      floor: (r) => `${r.floor.sent} / ${r.floor.ok}`,
      ack: (a) => `${a.sent} / ${a.ok}`,
    },
    { metric: 'errors', floor: (r) => errs(r.floor), ack: (a) => errs(a) },
    { metric: 'p50', floor: (r) => ms1(r.floor.latency.p50), ack: (a) => ms1(a.latency.p50) },
    { metric: 'p95', floor: (r) => ms1(r.floor.latency.p95), ack: (a) => ms1(a.latency.p95) },
    {
      metric: 'p99',
      floor: (r) => ms1(r.floor.latency.p99),
      ack: (a) => `${ms1(a.latency.p99)} ${mark(a.latency.p99 < TARGET_ACK_P99_MS && a.errors === 0)}`,
      target: `< ${TARGET_ACK_P99_MS}`,
    },
    { metric: 'max', floor: (r) => ms1(r.floor.latency.max), ack: (a) => ms1(a.latency.max) },
    {
      metric: 'p50 / p99 from the actual send (without generator lag)',
      ack: (a) => `${ms1(a.fromSend.p50)} / ${ms1(a.fromSend.p99)}`,
    },
    { metric: 'p99 ÷ floor p99', ack: (a, r) => `×${f(1)(a.latency.p99 / r.floor.latency.p99)}` },
    {
      metric: `acks slower than ${PLATFORM_TIMEOUT_MS / 1000} s (the platform would retry)`,
      ack: (a) => String(a.overPlatformTimeout),
    },
    {
      metric: 'ack p50 / p95 / p99, server-side (helpline_ack_seconds)',
      ack: (a) =>
        `${ms1(a.server.p50Ms)} / ${ms1(a.server.p95Ms)} / ${a.server.aboveTop ? '>' : ''}${ms1(a.server.p99Ms)}`,
    },
    {
      metric: 'generator send lag p99 / max',
      floor: (r) => `${ms1(r.floor.sendLag.p99)} / ${ms1(r.floor.sendLag.max)}`,
      ack: (a) => `${ms1(a.sendLag.p99)} / ${ms1(a.sendLag.max)}`,
    },
    {
      metric: 'server event-loop delay p99 / max',
      floor: (r) => `${ms1(r.floor.eventLoop.p99Ms)} / ${ms1(r.floor.eventLoop.maxMs)}`,
      ack: (a) => `${ms1(a.eventLoop.p99Ms)} / ${ms1(a.eventLoop.maxMs)}`,
    },
    {
      metric: 'SLA sweeps during the phase / the drain (s run)',
      floor: (r) => `${r.floor.sweeps.count} (${f(1)(r.floor.sweeps.seconds)})`,
      ack: (a) =>
        `${a.sweeps.count} (${f(1)(a.sweeps.seconds)}) / ${a.drain.sweeps.count} (${f(1)(a.drain.sweeps.seconds)})`,
    },
    { metric: 'rejected (401/400) / deduplicated', ack: (a) => `${record(a.rejected)} / ${a.deduplicated}` },
    { metric: 'turns finished during the phase', ack: (a) => `${a.turnsDuringPhase} of ${a.ok}` },
    { metric: 'answers delivered during the phase', ack: (a) => String(a.answersDuringPhase) },
    {
      metric: 'drained after (s) / answers per s / turns per s',
      ack: (a) =>
        `${f(1)(a.drain.seconds)}${a.drain.complete ? '' : ` (not done: ${a.drain.backlogLeft} jobs left)`} / ${f(0)(a.drain.answersPerSecond)} / ${f(0)(a.drain.turnsPerSecond)}`,
    },
    {
      metric: 'acked events answered / missing',
      ack: (a) => `${a.delivery.answered} / ${a.delivery.missing} ${mark(a.delivery.missing === 0)}`,
      target: 'missing 0',
    },
    {
      metric: 'of those: with a real answer / fallback messages (watchdog, 15 s)',
      ack: (a) => `${a.delivery.realAnswers} / ${a.delivery.fallbacks}`,
    },
    {
      metric: 'bot messages per thread (count: threads)',
      ack: (a) =>
        Object.entries(a.delivery.perThread)
          .sort((x, y) => Number(x[0]) - Number(y[0]))
          .map(([k, n]) => `${k}: ${n}`)
          .join(', ') || '—',
    },
    {
      metric: 'repeated idempotency keys (duplicates)',
      ack: (a) => `${a.delivery.repeatedKeys} ${mark(a.delivery.repeatedKeys === 0)}`,
      target: '0',
    },
    { metric: 'not acked but answered anyway', ack: (a) => String(a.unackedAnswered) },
    {
      metric: 'delivery failures / turn failures / dead letters',
      ack: (a) => `${a.deliveryFailures} / ${record(a.turnFailures)} / ${a.deadLetters}`,
    },
    {
      metric: 'stand-in API calls (errors)',
      ack: (a) =>
        Object.entries(a.delivery.calls)
          .sort((x, y) => y[1] - x[1])
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') +
        (Object.keys(a.delivery.failures).length ? ` (${record(a.delivery.failures)})` : ' (0)'),
    },
    ...cpuRows(),
  ];
}

interface Machine {
  node: string;
  cpuModel: string;
  cpus: number;
}

function render(results: RunnerResult[], seconds: number, s: Settings, m: Machine): string {
  const out: string[] = [
    `Webhook ack benchmark — Node ${m.node}, ${m.cpuModel} × ${m.cpus}, ${(seconds / 60).toFixed(1)} min`,
    `Open loop ${s.ackRate} requests/s; floor ${s.floorSeconds} s, Slack and Lark ${s.ackSeconds} s each (drained after);`,
    `latency from the scheduled send, ms. ${s.users} employees, each in a DM with the bot; every request a new event`,
    `with a KB front-matter question (zh/en alternating). No LLM (extractive answers). The floor is GET /healthz at`,
    'the same rate on the same server. "Other processes" well above 0 means the run was contended.',
  ];
  const header = [
    'metric',
    'GET /healthz (floor)',
    `Slack POST ${WEBHOOK_PATH.slack}`,
    `Lark POST ${WEBHOOK_PATH.lark}`,
    'target',
  ];
  for (const r of results) {
    out.push('', `${r.label} — server ready in ${f(1)(r.startupMs / 1000)} s`, '');
    out.push(
      table(
        header,
        rows().map((row) => [
          row.metric,
          row.floor?.(r) ?? '',
          row.ack?.(r.slack, r) ?? '',
          row.ack?.(r.lark, r) ?? '',
          row.target ?? '',
        ]),
      ),
    );
    const w = r.warmUp;
    out.push(
      '',
      `Warm-up (${s.warmSeconds} s per platform, not in the figures): Slack p99 ${ms1(w.slack.latency.p99)} ms, ${w.slack.delivery.answered}/${w.slack.ok} answered; Lark p99 ${ms1(w.lark.latency.p99)} ms, ${w.lark.delivery.answered}/${w.lark.ok} answered.`,
    );
  }
  out.push(
    '',
    `Verdict (p99 < ${TARGET_ACK_P99_MS} ms, no errors, every acked event answered once, drained): ${results
      .map((r) => `${r.label}: Slack ${mark(passes(r.slack))}, Lark ${mark(passes(r.lark))}`)
      .join('; ')}.`,
  );
  return out.join('\n');
}

interface Report extends Machine {
  settings: Settings;
  seconds: number;
  results: RunnerResult[];
  targets: Record<string, Record<string, { target: string; value: number; pass: boolean }>>;
}

function report(results: RunnerResult[], seconds: number): Report {
  const target = (a: WebhookAckResult) => ({
    target: `p99 < ${TARGET_ACK_P99_MS} ms, no errors, none lost or duplicated`,
    value: a.latency.p99,
    pass: passes(a),
  });
  return {
    node: process.version,
    cpuModel: os.cpus()[0]?.model ?? 'unknown CPU',
    cpus: os.availableParallelism(),
    settings,
    seconds,
    results,
    targets: Object.fromEntries(
      results.map((r) => [r.runner, { slackAckP99Ms: target(r.slack), larkAckP99Ms: target(r.lark) }]),
    ),
  };
}

async function main(): Promise<void> {
  if (args.from) {
    // Re-renders a saved --json run (e.g. for the README) without running anything.
    const saved = JSON.parse(readFileSync(args.from, 'utf8')) as Report;
    console.log(render(saved.results, saved.seconds, saved.settings, saved));
    return;
  }
  const started = performance.now();
  const questions = await kbQuestions(args.kb, settings.seed);
  const results: RunnerResult[] = [];
  for (const runner of RUNNERS) {
    try {
      results.push(await runRunner(runner, questions));
    } catch (err) {
      // The other runner still runs: one failure should not cost the whole comparison.
      console.error(`[${runner}] failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
    await cleanUp();
  }
  if (results.length === 0) return;
  const out = report(results, (performance.now() - started) / 1000);
  console.log(args.json ? JSON.stringify(out, null, 2) : render(out.results, out.seconds, out.settings, out));
}

let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  console.error('Interrupted: stopping the server and the stand-ins, removing throwaway data…');
  void cleanUp().finally(() => process.exit(130));
});

try {
  await main();
} catch (err) {
  if (!interrupted) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
} finally {
  await cleanUp();
}
