/**
 * Start-time benchmark: `helpline serve` (what `npm start` runs, without npm's own ~0.2 s) from
 * launch to the first `/readyz` 200, on a new data folder and again on the same one, and one-shot
 * CLI calls (`classify`, `search`, `ask`) as whole processes. DESIGN §8 targets: ready < 2 s new,
 * < 1 s again; a one-shot CLI call < 1 s.
 *
 *   npm run bench:start                     median of 3 of each (about 1 minute on 2 cores)
 *   npm run bench:start -- --ref efb266e    also the code at a git ref, in the same run (a
 *                                           temporary worktree sharing node_modules)
 *   npm run -s bench:start -- --json        machine-readable
 *
 * The subjects take turns run by run (this checkout, the ref, this checkout…), so a load that
 * changes during the bench falls on both. Baselines in the same run: the floor — a bare Node process that opens a port and answers
 * `/readyz` 200 at once (what any Node server pays) — and, with `--ref`, the older code. Every
 * start runs with the sample KB (`kb/`), embedded defaults, LOG_LEVEL=warn, on a free port; the
 * server is stopped with SIGTERM before the next. "port open" is the first HTTP answer of any
 * status, "ready" the first 200 from /readyz (polled every 10 ms). Each process's CPU time (user +
 * system, from /proc) and peak RSS are read when it is ready: on a shared machine wall times
 * inflate with the load, CPU much less, so both are shown.
 *
 * The install caches (node_modules/.cache/helpline: the database template, the word tables,
 * Node's compile cache) are made by a warm-up start before timing; a first start after
 * `npm install` pays for them once (its time is printed too).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { table } from './lib/table.ts';
import { worktreeAt } from './lib/worktree.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const NODE = process.execPath;

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    ref: { type: 'string' },
    json: { type: 'boolean', default: false },
    'no-cli': { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Start {
  portMs: number;
  readyMs: number;
  cpuMs: number;
  peakRssMb: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** CPU ms and peak RSS of a live process, from /proc (Linux). */
function procStats(pid: number): { cpuMs: number; peakRssMb: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return { cpuMs: (ticks * 1000) / 100, peakRssMb: hwm / 1024 };
  } catch {
    return { cpuMs: Number.NaN, peakRssMb: Number.NaN };
  }
}

/** Spawns `argv` with PORT set, polls /readyz, stops it; times from just before the spawn. */
async function timeStart(argv: string[], cwd: string, env: Record<string, string>): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let portMs = Number.NaN;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${stderr}`);
      if (performance.now() - started > 120_000) throw new Error(`not ready after 120 s:\n${stderr}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (Number.isNaN(portMs)) portMs = performance.now() - started;
        if (res.status === 200) {
          const readyMs = performance.now() - started;
          return { portMs, readyMs, ...procStats(child.pid as number) };
        }
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('server exited')) throw err;
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** A whole one-shot process: wall ms, and its CPU ms as a small wrapper process reads it. */
function timeCli(argv: string[], cwd: string, env: Record<string, string>): { ms: number; cpuMs: number } {
  const started = performance.now();
  const out = execFileSync(NODE, ['-e', CLI_WRAPPER], {
    cwd,
    env: { ...process.env, ...env, BENCH_ARGV: JSON.stringify(argv) },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
  const ms = performance.now() - started;
  const { cpuMs } = JSON.parse(out.trim().split('\n').at(-1) as string) as { cpuMs: number };
  return { ms, cpuMs };
}

/** Runs the command as a child and prints its CPU time (children's rusage) as the last line. */
const CLI_WRAPPER = `
const { spawnSync } = require('node:child_process');
const argv = JSON.parse(process.env.BENCH_ARGV);
const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
if (r.status !== 0) { console.error('exit', r.status); process.exit(1); }
// Children's CPU is not in resourceUsage; read it from /proc/self/stat (cutime, cstime).
const stat = require('node:fs').readFileSync('/proc/self/stat', 'utf8');
const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
console.log(JSON.stringify({ cpuMs: (Number(f[13]) + Number(f[14])) * 10 }));
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Subject {
  name: string;
  cwd: string;
}

interface Row {
  subject: string;
  case: string;
  runs: Start[];
}

/**
 * Every case of every subject, the subjects taking turns run by run (A, B, A, B…), so a change in
 * the machine's load during the bench falls on both alike.
 */
async function startCases(subjects: Subject[]): Promise<Row[]> {
  const serve = [NODE, 'bin/helpline.js', 'serve'];
  const env = (data: string) => ({ HELPLINE_DATA: data, HELPLINE_KB: path.join(ROOT, 'kb') });
  const dirs: string[] = [];
  const temp = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'helpline-start-'));
    dirs.push(d);
    return d;
  };
  try {
    const fresh = subjects.map((): Start[] => []);
    const again = subjects.map((): Start[] => []);
    const reused = subjects.map(() => temp());
    for (const [i, subject] of subjects.entries()) {
      // Warm-up: makes the install caches (and JITs the disk cache) before anything is timed.
      const warm = await timeStart(serve, subject.cwd, env(temp()));
      log(`${subject.name}: warm-up start (install caches made if missing) ${warm.readyMs.toFixed(0)} ms`);
      await timeStart(serve, subject.cwd, env(reused[i]));
    }
    for (let run = 0; run < RUNS; run++) {
      for (const [i, subject] of subjects.entries()) {
        fresh[i].push(await timeStart(serve, subject.cwd, env(temp())));
        again[i].push(await timeStart(serve, subject.cwd, env(reused[i])));
      }
    }
    return subjects.flatMap((subject, i) => [
      { subject: subject.name, case: 'new data folder', runs: fresh[i] },
      { subject: subject.name, case: 'same data folder again', runs: again[i] },
    ]);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

function cliCases(
  subjects: Subject[],
): { subject: string; command: string; ms: number[]; cpuMs: number[] }[] {
  const data = subjects.map(() => mkdtempSync(path.join(os.tmpdir(), 'helpline-cli-')));
  const env = (i: number) => ({ HELPLINE_DATA: data[i], HELPLINE_KB: path.join(ROOT, 'kb') });
  const commands: [string, string[]][] = [
    ['classify', ['classify', '--json', '打卡系统全员进不去了']],
    ['search (zh)', ['search', '--json', '怎么请年假']],
    ['search (en)', ['search', '--json', 'how do I reset my password']],
    ['ask', ['ask', '--json', '怎么请年假']],
  ];
  try {
    // The first KB command builds the data folder's KB cache; then every call reuses it.
    for (const [i, s] of subjects.entries()) timeCli([NODE, 'bin/helpline.js', 'search', 'x'], s.cwd, env(i));
    const rows = subjects.flatMap((s) =>
      commands.map(([name]) => ({
        subject: s.name,
        command: name,
        ms: [] as number[],
        cpuMs: [] as number[],
      })),
    );
    for (let run = 0; run < RUNS; run++) {
      for (const [c, [, argv]] of commands.entries()) {
        for (const [i, s] of subjects.entries()) {
          const r = timeCli([NODE, 'bin/helpline.js', ...argv], s.cwd, env(i));
          rows[i * commands.length + c].ms.push(r.ms);
          rows[i * commands.length + c].cpuMs.push(r.cpuMs);
        }
      }
    }
    return rows;
  } finally {
    for (const d of data) rmSync(d, { recursive: true, force: true });
  }
}

async function floor(): Promise<Start[]> {
  const code = `require('node:http').createServer((q, s) => { s.writeHead(200); s.end('{}'); }).listen(Number(process.env.PORT), '127.0.0.1');`;
  const runs: Start[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timeStart([NODE, '-e', code], ROOT, {}));
  return runs;
}

const subjects: Subject[] = [{ name: 'this checkout', cwd: ROOT }];
const tree = args.ref ? worktreeAt(ROOT, args.ref) : undefined;
if (tree) subjects.push({ name: `ref ${args.ref}`, cwd: tree.dir });
try {
  const floorRuns = await floor();
  const rows: Row[] = [{ subject: 'floor: bare Node HTTP server', case: '—', runs: floorRuns }];
  rows.push(...(await startCases(subjects)));
  const cli = args['no-cli'] ? [] : cliCases(subjects);
  const load = os.loadavg()[0];
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ runs: RUNS, loadavg1: load, starts: rows, cli }, null, 2)}\n`);
  } else {
    const f = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(0));
    const floorMs = median(floorRuns.map((r) => r.readyMs));
    log(
      `\nStart to /readyz 200, median of ${RUNS} (load average ${load.toFixed(1)} on ${os.cpus().length} cores)\n`,
    );
    log(
      table(
        [
          'code',
          'case',
          'port open ms',
          'ready ms',
          '× floor',
          'runs (ready ms)',
          'CPU ms at ready',
          'peak RSS MB',
        ],
        rows.map((r) => [
          r.subject,
          r.case,
          f(median(r.runs.map((x) => x.portMs))),
          f(median(r.runs.map((x) => x.readyMs))),
          (median(r.runs.map((x) => x.readyMs)) / floorMs).toFixed(1),
          r.runs.map((x) => f(x.readyMs)).join(' / '),
          f(median(r.runs.map((x) => x.cpuMs))),
          f(median(r.runs.map((x) => x.peakRssMb))),
        ]),
      ),
    );
    if (cli.length) {
      log(`\nOne-shot CLI calls, whole process, median of ${RUNS}\n`);
      log(
        table(
          ['code', 'command', 'wall ms', 'runs (ms)', 'CPU ms'],
          cli.map((c) => [
            c.subject,
            c.command,
            f(median(c.ms)),
            c.ms.map(f).join(' / '),
            f(median(c.cpuMs)),
          ]),
        ),
      );
    }
  }
} finally {
  tree?.remove();
}
