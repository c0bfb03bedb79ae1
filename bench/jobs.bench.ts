/**
 * Jobs benchmark: web-chat ack latency and message-to-reply latency through the job queue, with no
 * LLM, on both job runners side by side. DESIGN §8 targets: ack p99 < 50 ms at 200 requests/s;
 * event-to-reply p95 < 300 ms at 50 events/s through the queue.
 *
 *   npm run bench:jobs                      both runners, full run (about 6 minutes on 2 cores)
 *   npm run bench:jobs -- --quick           5 s phases (about 2 minutes)
 *   npm run -s bench:jobs -- --json         machine-readable results
 *   npm run bench:jobs -- --from bench-jobs.json   the table of a saved --json run
 *   npm run bench:jobs -- --runner bullmq --prof-dir prof    CPU profile of the server process
 *   npm run bench:jobs -- --runner embedded --quick --ref HEAD~3 --runs 3
 *                                           this checkout beside older code (a temporary worktree),
 *                                           taking turns run by run; the median run of each is shown
 *
 * Each runner gets a fresh server (bench/lib/server-child.ts: what `helpline serve` runs) in its
 * own process, so the load generator here never shares its event loop:
 *   embedded  in-process runner, PGlite in a temporary folder;
 *   bullmq    BullMQ on an empty Redis database index claimed for the run, PostgreSQL in a database
 *             created for the run; both removed afterwards.
 * Per runner: warm-up (drained), the HTTP floor (GET /healthz open-loop at the ack rate: the
 * baseline the ack is compared with), the reply phase, then the ack phase (drained). Requests go
 * out open-loop on a fixed schedule and latency counts from the scheduled moment (see
 * lib/http-load.ts), so a stalled server cannot hide behind a waiting client.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ENV } from '../src/config/schema.ts';
import type { CpuUse } from './lib/cpu-meter.ts';
import {
  type AckResult,
  ackPhase,
  floorPhase,
  type LoadResult,
  type PhaseContext,
  type ReplyResult,
  replyPhase,
} from './lib/jobs-phases.ts';
import { kbQuestions } from './lib/kb-questions.ts';
import { type ServerProcess, startServerProcess } from './lib/server-process.ts';
import { type Throwaway, tempDir, throwawayPostgres, throwawayRedisDb } from './lib/services.ts';
import { table } from './lib/table.ts';
import { worktreeAt } from './lib/worktree.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const TARGET_ACK_P99_MS = 50;
const TARGET_REPLY_P95_MS = 300;

const { values: args } = parseArgs({
  options: {
    runner: { type: 'string', default: 'both' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'ack-rate': { type: 'string', default: '200' },
    'ack-seconds': { type: 'string' },
    'floor-seconds': { type: 'string' },
    'reply-rate': { type: 'string', default: '50' },
    'reply-seconds': { type: 'string' },
    threads: { type: 'string', default: '50' },
    'drain-seconds': { type: 'string', default: '180' },
    kb: { type: 'string', default: path.join(ROOT, 'kb') },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'prof-dir': { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    seed: { type: 'string', default: '42' },
    from: { type: 'string' },
    ref: { type: 'string' },
    runs: { type: 'string', default: '1' },
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
  ackSeconds: positive('ack-seconds', quick ? 5 : 30),
  floorSeconds: positive('floor-seconds', quick ? 3 : 10),
  warmSeconds: quick ? 1 : 2,
  replyRate: positive('reply-rate', 50),
  replySeconds: positive('reply-seconds', quick ? 5 : 20),
  threads: Math.round(positive('threads', 50)),
  drainMs: positive('drain-seconds', 180) * 1000,
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

/** The code a server runs: this checkout, or with --ref an older commit's. */
interface Subject {
  name: string;
  child?: string;
}

interface RunnerResult {
  runner: RunnerName;
  label: string;
  subject?: string;
  startupMs: number;
  warmUp: AckResult;
  floor: LoadResult;
  ack: AckResult;
  reply: ReplyResult;
}

/** The bench's environment minus every Helpline setting, so only what a runner sets applies. */
function cleanEnv(): Record<string, string> {
  const drop = new Set([...Object.keys(ENV), 'HELPLINE_CONFIG', 'LOG_LEVEL']);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !drop.has(k)) out[k] = v;
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

async function runRunner(runner: RunnerName, questions: string[], subject?: Subject): Promise<RunnerResult> {
  const dir = track(tempDir(runner));
  const env: Record<string, string> = {
    ...cleanEnv(),
    PORT: '0',
    HELPLINE_HOST: '127.0.0.1',
    HELPLINE_KB: path.resolve(args.kb),
    HELPLINE_DATA: path.join(dir, 'data'),
    LOG_LEVEL: args['log-level'],
  };
  if (args['prof-dir']) {
    mkdirSync(path.resolve(args['prof-dir']), { recursive: true });
    env.HELPLINE_BENCH_IO_STATS = path.join(path.resolve(args['prof-dir']), `${runner}.io-stats.txt`);
  }
  if (runner === 'bullmq') {
    env.REDIS_URL = track(await throwawayRedisDb(args['redis-url']));
    env.DATABASE_URL = track(await throwawayPostgres(args['pg-url']));
  }
  const progress = (s: string) => process.stderr.write(`[${runner}] ${s}\n`);
  progress('starting the server…');
  const server: ServerProcess = await startServerProcess({
    env,
    cwd: dir,
    child: subject?.child,
    logFile: path.join(dir, 'server.log'),
    execArgv: args['prof-dir']
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${path.resolve(args['prof-dir'])}`,
          `--cpu-prof-name=${runner}.cpuprofile`,
        ]
      : [],
    startTimeoutMs: 180_000,
    stopTimeoutMs: 15_000,
  });
  cleanups.push(() => server.stop());
  try {
    const ctx: PhaseContext = { server, questions, cores: os.availableParallelism() };
    const s = settings;
    progress(`ready in ${(server.startupMs / 1000).toFixed(1)} s; warm-up ${s.warmSeconds} s…`);
    const warmUp = await ackPhase(ctx, s.ackRate, s.warmSeconds, s.drainMs, 'bench-warm-');
    progress(`floor: GET /healthz ${s.ackRate}/s × ${s.floorSeconds} s…`);
    const floor = await floorPhase(ctx, s.ackRate, s.floorSeconds);
    // Reply before ack: the ack phase leaves thousands of turns' tickets behind, and the periodic
    // SLA sweep's cost grows with open tickets (its rows show when one ran during a phase).
    progress(`reply: ${s.replyRate}/s × ${s.replySeconds} s over ${s.threads} threads (SSE)…`);
    const reply = await replyPhase(ctx, s.replyRate, s.replySeconds, s.threads, s.drainMs, 'bench-reply-');
    progress(`ack: POST /api/chat/messages ${s.ackRate}/s × ${s.ackSeconds} s, then drain…`);
    const ack = await ackPhase(ctx, s.ackRate, s.ackSeconds, s.drainMs, 'bench-ack-');
    return {
      runner,
      label: subject ? `${LABEL[runner]}, ${subject.name}` : LABEL[runner],
      subject: subject?.name,
      startupMs: server.startupMs,
      warmUp,
      floor,
      ack,
      reply,
    };
  } catch (err) {
    throw new Error(`${(err as Error).message}\nServer's last lines:\n${server.tail()}`, { cause: err });
  } finally {
    await server.stop();
  }
}

// ---- report ----

const f = (d: number) => (x: number) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const ms1 = f(1);
const ms0 = f(0);
const mark = (pass: boolean) => (pass ? '✓' : '✗');

interface Row {
  metric: string;
  values: (r: RunnerResult) => string;
  /** For the ratio column: the number behind the value. */
  num?: (r: RunnerResult) => number;
  target?: string;
}

function cpuCells(pick: (r: RunnerResult) => CpuUse): Row[] {
  const c = (g: (u: CpuUse) => number) => (r: RunnerResult) => f(2)(g(pick(r)));
  return [
    { metric: '  server process', values: c((u) => u.serverCores), num: (r) => pick(r).serverCores },
    { metric: '  load generator', values: c((u) => u.generatorCores) },
    { metric: '  redis-server + postgres', values: c((u) => u.servicesCores) },
    { metric: '  other processes', values: c((u) => u.otherCores) },
    {
      metric: '  whole machine busy',
      values: (r) => `${f(2)(pick(r).machineBusyCores)} of ${pick(r).cores}`,
    },
  ];
}

function rows(s: Settings): { section: string; rows: Row[] }[] {
  const errs = (x: LoadResult) =>
    x.errors === 0
      ? '0'
      : `${x.errors} (${Object.entries(x.errorKinds)
          .map(([k, n]) => `${k}: ${n}`)
          .join('; ')})`;
  return [
    {
      section: `Ack — POST /api/chat/messages → 202, open loop ${s.ackRate}/s × ${s.ackSeconds} s (latency from the scheduled send, ms)`,
      rows: [
        { metric: 'requests sent / 202', values: (r) => `${r.ack.sent} / ${r.ack.ok}` },
        { metric: 'errors', values: (r) => errs(r.ack) },
        { metric: 'ack p50', values: (r) => ms1(r.ack.latency.p50), num: (r) => r.ack.latency.p50 },
        { metric: 'ack p95', values: (r) => ms1(r.ack.latency.p95), num: (r) => r.ack.latency.p95 },
        {
          metric: 'ack p99',
          values: (r) =>
            `${ms1(r.ack.latency.p99)} ${mark(r.ack.latency.p99 < TARGET_ACK_P99_MS && r.ack.errors === 0)}`,
          num: (r) => r.ack.latency.p99,
          target: `< ${TARGET_ACK_P99_MS}`,
        },
        { metric: 'ack max', values: (r) => ms1(r.ack.latency.max), num: (r) => r.ack.latency.max },
        {
          metric: 'ack p50 / p99, server-side (helpline_ack_seconds)',
          values: (r) =>
            `${ms1(r.ack.server.p50Ms)} / ${r.ack.server.aboveTop ? '>' : ''}${ms1(r.ack.server.p99Ms)}`,
        },
        {
          metric: `baseline: GET /healthz p50 / p99 (${s.ackRate}/s × ${s.floorSeconds} s)`,
          values: (r) => `${ms1(r.floor.latency.p50)} / ${ms1(r.floor.latency.p99)}`,
        },
        {
          metric: 'ack p99 ÷ baseline p99',
          values: (r) => `×${f(1)(r.ack.latency.p99 / r.floor.latency.p99)}`,
          num: (r) => r.ack.latency.p99 / r.floor.latency.p99,
        },
        {
          metric: 'generator send lag p99 / max',
          values: (r) => `${ms1(r.ack.sendLag.p99)} / ${ms1(r.ack.sendLag.max)}`,
        },
        {
          metric: 'server event-loop delay p99 / max',
          values: (r) => `${ms1(r.ack.eventLoop.p99Ms)} / ${ms1(r.ack.eventLoop.maxMs)}`,
        },
        {
          metric: 'SLA sweeps during the phase / the drain (s run)',
          values: (r) =>
            `${r.ack.sweeps.count} (${f(1)(r.ack.sweeps.seconds)}) / ${r.ack.drain.sweeps.count} (${f(1)(r.ack.drain.sweeps.seconds)})`,
        },
        {
          metric: 'turns finished during the phase',
          values: (r) => `${r.ack.turnsDuringPhase} of ${r.ack.ok}`,
        },
        {
          metric: 'backlog drained after (s) / turns per s',
          values: (r) =>
            `${f(1)(r.ack.drain.seconds)}${r.ack.drain.complete ? '' : ' (not done)'} / ${ms0(r.ack.drain.turnsPerSecond)}`,
        },
        { metric: 'CPU (cores busy) during the phase:', values: () => '' },
        ...cpuCells((r) => r.ack.cpu),
      ],
    },
    {
      section: `Reply — POST → bot reply seen on the SSE stream, open loop ${s.replyRate}/s × ${s.replySeconds} s over ${s.threads} threads, no LLM (ms)`,
      rows: [
        {
          metric: 'messages sent / 202 / replied',
          values: (r) => `${r.reply.sent} / ${r.reply.ok} / ${r.reply.replied}`,
        },
        { metric: 'errors / missing replies', values: (r) => `${errs(r.reply)} / ${r.reply.missing}` },
        { metric: 'reply p50', values: (r) => ms1(r.reply.latency.p50), num: (r) => r.reply.latency.p50 },
        {
          metric: 'reply p95',
          values: (r) =>
            `${ms1(r.reply.latency.p95)} ${mark(r.reply.latency.p95 < TARGET_REPLY_P95_MS && r.reply.missing === 0 && r.reply.errors === 0)}`,
          num: (r) => r.reply.latency.p95,
          target: `< ${TARGET_REPLY_P95_MS}`,
        },
        { metric: 'reply p99', values: (r) => ms1(r.reply.latency.p99), num: (r) => r.reply.latency.p99 },
        { metric: 'reply max', values: (r) => ms1(r.reply.latency.max), num: (r) => r.reply.latency.max },
        {
          metric: 'reply p50 / p95, server-side (helpline_reply_seconds)',
          values: (r) => `${ms1(r.reply.server.p50Ms)} / ${ms1(r.reply.server.p95Ms)}`,
        },
        {
          metric: 'outcomes answered / declined / ticketed / fallback',
          values: (r) =>
            ['answered', 'declined', 'ticketed', 'fallback'].map((o) => r.reply.outcomes[o] ?? 0).join(' / '),
        },
        {
          metric: 'server event-loop delay p99 / max',
          values: (r) => `${ms1(r.reply.eventLoop.p99Ms)} / ${ms1(r.reply.eventLoop.maxMs)}`,
        },
        {
          metric: 'SLA sweeps during the phase (s run)',
          values: (r) => `${r.reply.sweeps.count} (${f(1)(r.reply.sweeps.seconds)})`,
        },
        { metric: 'CPU (cores busy) during the phase:', values: () => '' },
        ...cpuCells((r) => r.reply.cpu),
      ],
    },
  ];
}

interface Machine {
  node: string;
  cpuModel: string;
  cpus: number;
}

function render(results: RunnerResult[], seconds: number, s: Settings, m: Machine): string {
  const header = ['metric', ...results.map((r) => r.label)];
  const ratio = results.length === 2;
  if (ratio) header.push('ratio');
  header.push('target');
  const out: string[] = [
    `Jobs benchmark — Node ${m.node}, ${m.cpuModel} × ${m.cpus}, ${(seconds / 60).toFixed(1)} min`,
    `Questions: ${path.relative(process.cwd(), args.kb) || '.'} front matter, zh/en alternating. No LLM (extractive answers).`,
    `Each runner has its own fresh server process. Ratio = ${args.ref ? 'this checkout ÷ ref (median runs)' : 'BullMQ ÷ in-process'}. The baseline is GET /healthz at the`,
    'same rate on the same server. "Other processes" well above 0 means the run was contended: compare ratios then.',
  ];
  for (const { section, rows: rs } of rows(s)) {
    out.push('', section, '');
    out.push(
      table(
        header,
        rs.map((row) => {
          const cells = [row.metric, ...results.map((r) => row.values(r))];
          if (ratio) {
            const [a, b] = results.map((r) => row.num?.(r));
            cells.push(
              a !== undefined && b !== undefined && a > 0 && Number.isFinite(b)
                ? `×${(b / a).toFixed(2)}`
                : '',
            );
          }
          cells.push(row.target ?? '');
          return cells;
        }),
      ),
    );
  }
  out.push(
    '',
    `Startup: ${results.map((r) => `${r.label} ${(r.startupMs / 1000).toFixed(1)} s`).join(', ')}.`,
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
  return {
    node: process.version,
    cpuModel: os.cpus()[0]?.model ?? 'unknown CPU',
    cpus: os.availableParallelism(),
    settings,
    seconds,
    results,
    targets: Object.fromEntries(
      results.map((r) => [
        r.runner,
        {
          ackP99Ms: {
            target: `< ${TARGET_ACK_P99_MS}`,
            value: r.ack.latency.p99,
            pass: r.ack.latency.p99 < TARGET_ACK_P99_MS && r.ack.errors === 0,
          },
          replyP95Ms: {
            target: `< ${TARGET_REPLY_P95_MS}`,
            value: r.reply.latency.p95,
            pass: r.reply.latency.p95 < TARGET_REPLY_P95_MS && r.reply.missing === 0 && r.reply.errors === 0,
          },
        },
      ]),
    ),
  };
}

async function main(): Promise<void> {
  if (args.from) {
    // Re-renders a saved --json run (e.g. for the README) without running anything.
    const saved = JSON.parse(readFileSync(args.from, 'utf8')) as Report;
    console.log(
      render(saved.results, saved.seconds, saved.settings, {
        ...saved,
        cpuModel: saved.cpuModel ?? 'unknown CPU',
      }),
    );
    return;
  }
  const started = performance.now();
  const questions = await kbQuestions(args.kb, settings.seed);
  let results: RunnerResult[] = [];
  if (args.ref) {
    results = await againstRef(args.ref, questions);
  } else {
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
  }
  if (results.length === 0) return;
  const out = report(results, (performance.now() - started) / 1000);
  console.log(args.json ? JSON.stringify(out, null, 2) : render(out.results, out.seconds, out.settings, out));
}

/**
 * One runner, the code at `ref` and this checkout taking turns run by run (so a load that changes
 * during the bench falls on both); each one's median run by ack p99 is shown, ref first, so the
 * ratio column is this checkout ÷ ref. Every run's ack p99 and CPU go to stderr.
 */
async function againstRef(ref: string, questions: string[]): Promise<RunnerResult[]> {
  if (RUNNERS.length !== 1) throw new Error('--ref compares one runner: add --runner embedded or bullmq.');
  const runs = Math.round(positive('runs', 1));
  const tree = worktreeAt(ROOT, ref);
  cleanups.push(async () => tree.remove());
  const subjects: Subject[] = [
    { name: `ref ${ref}`, child: path.join(tree.dir, 'bench', 'lib', 'server-child.ts') },
    { name: 'this checkout' },
  ];
  const all = subjects.map((): RunnerResult[] => []);
  for (let run = 0; run < runs; run++) {
    for (const [i, subject] of subjects.entries()) {
      all[i].push(await runRunner(RUNNERS[0], questions, subject));
      // Each run's throwaway folders go now; the worktree stays until the end.
      while (cleanups.length > 1) await cleanups.pop()!().catch(() => {});
    }
  }
  for (const [i, subject] of subjects.entries()) {
    const line = all[i]
      .map(
        (r) =>
          `${ms1(r.ack.latency.p99)} ms (server ${f(2)(r.ack.cpu.serverCores)}, other ${f(2)(r.ack.cpu.otherCores)} cores)`,
      )
      .join(' / ');
    process.stderr.write(`${subject.name}: ack p99 by run ${line}\n`);
  }
  return all.map((rs) => {
    const sorted = [...rs].sort((a, b) => a.ack.latency.p99 - b.ack.latency.p99);
    return sorted[Math.floor(sorted.length / 2)];
  });
}

let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  console.error('Interrupted: stopping the server and removing the throwaway database…');
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
