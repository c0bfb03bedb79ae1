/**
 * `helpline worker` as a child process (the real CLI, `node bin/helpline.js worker`, or a fixture
 * script that prints the same ready line), for tests that kill workers. Output is kept for
 * assertions and failure messages; `killAll()` in afterEach leaves no child behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY = /Helpline worker ready/;

export interface WorkerProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves when the worker printed its ready line; rejects if it exits first or takes too long. */
  ready: Promise<void>;
  /** SIGKILL (no shutdown, no drain) and wait for the exit. */
  kill(): Promise<void>;
}

const running = new Set<WorkerProcess>();

export interface SpawnOptions {
  /** Script and arguments, relative to the repository root. @defaultValue ['bin/helpline.js', 'worker'] */
  args?: string[];
  /** @defaultValue 60000 */
  readyTimeoutMs?: number;
  /** What the process prints when ready. @defaultValue the worker's ready line */
  ready?: RegExp;
}

export function spawnWorker(env: Record<string, string>, options: SpawnOptions = {}): WorkerProcess {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const child = spawn(process.execPath, options.args ?? ['bin/helpline.js', 'worker'], {
    cwd: ROOT,
    // Only what the worker needs: nothing from the test runner's environment leaks in (CI, ports).
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `${options.args?.join(' ') ?? 'helpline worker'} not ready after ${readyTimeoutMs} ms:\n${text}`,
          ),
        ),
      readyTimeoutMs,
    );
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if ((options.ready ?? READY).test(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`helpline worker exited (${signal ?? code}) before it was ready:\n${text}`));
    });
  });
  ready.catch(() => {});
  const handle: WorkerProcess = {
    child,
    output: () => text,
    ready,
    async kill() {
      running.delete(handle);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
  running.add(handle);
  return handle;
}

/** Kills every worker this file started that is still running. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((w) => w.kill()));
}
