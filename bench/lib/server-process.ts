/**
 * Starts bench/lib/server-child.ts in its own process with a given environment, waits for its
 * ready line, reads its /metrics, and stops it (closing its stdin; SIGKILL if it hangs). Its stderr
 * goes to a log file, and the last lines are kept to explain a failure.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { httpClient } from './http-load.ts';
import { parseMetrics, type Scrape } from './prom-text.ts';

const READY_MARK = 'HELPLINE_BENCH_READY';
const CHILD = path.join(import.meta.dirname, 'server-child.ts');
const TAIL_LINES = 40;
const METRICS_TIMEOUT_MS = 90_000;

export interface ServerProcess {
  url: string;
  pid: number;
  /** Time from spawn to ready (KB ingest, database migrations, runner start). */
  startupMs: number;
  logFile: string;
  metrics(): Promise<Scrape>;
  /** Last lines the server wrote to stderr. */
  tail(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  env: Record<string, string>;
  cwd: string;
  logFile: string;
  /** The server script. @defaultValue this checkout's server-child.ts */
  child?: string;
  /** Node flags for the server (e.g. --cpu-prof --cpu-prof-dir=DIR). */
  execArgv?: string[];
  startTimeoutMs: number;
  stopTimeoutMs: number;
}

export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.execArgv ?? []), options.child ?? CHILD], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const log = createWriteStream(options.logFile);
  const tail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    log.write(`${line}\n`);
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  });
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );

  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not start within ${options.startTimeoutMs} ms`)),
      options.startTimeoutMs,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(READY_MARK)) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(READY_MARK.length)));
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with code ${code} before it was ready`));
    });
  }).catch(async (err) => {
    if (!exited) child.kill('SIGKILL');
    await exit;
    log.end();
    throw new Error(`${(err as Error).message}. Its last lines:\n${tail.join('\n')}`);
  });

  // Long: an overloaded server answers its scrape late, and a late figure beats none.
  const client = httpClient(ready.url, { maxSockets: 2, timeoutMs: METRICS_TIMEOUT_MS });
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    client.close();
    if (!exited) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs);
      await exit;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => log.end(resolve));
  };
  return {
    url: ready.url,
    pid: ready.pid,
    startupMs: performance.now() - started,
    logFile: options.logFile,
    async metrics() {
      const res = await client.request('GET', '/metrics');
      if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
      return parseMetrics(String(res.body));
    },
    tail: () => tail.join('\n'),
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
