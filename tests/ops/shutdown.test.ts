import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { onShutdown, type ShutdownStep } from '../../src/ops/shutdown.ts';

function harness() {
  const signals = new EventEmitter();
  const log: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) =>
    void log.push({ level, msg, obj });
  const logger = { info: at('info'), warn: at('warn'), error: at('error') };
  const exits: number[] = [];
  let exited!: (code: number) => void;
  const exitedOnce = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const exit = (code: number) => {
    exits.push(code);
    exited(code);
  };
  return { signals, log, logger, exits, exit, exitedOnce };
}

const step = (name: string, trace: string[], ms = 0): ShutdownStep => ({
  name,
  run: async () => {
    trace.push(`start ${name}`);
    if (ms) await sleep(ms);
    trace.push(`end ${name}`);
  },
});

describe('onShutdown', () => {
  it('on the first signal runs the steps one after another, logs each, and exits 0', async () => {
    const h = harness();
    const trace: string[] = [];
    onShutdown(
      [
        step('stop accepting requests', trace, 20),
        step('drain jobs', trace, 20),
        step('close database', trace),
      ],
      { process: h.signals, logger: h.logger, exit: h.exit },
    );
    h.signals.emit('SIGTERM', 'SIGTERM');
    expect(await h.exitedOnce).toBe(0);
    expect(trace).toEqual([
      'start stop accepting requests',
      'end stop accepting requests',
      'start drain jobs',
      'end drain jobs',
      'start close database',
      'end close database',
    ]);
    expect(h.log.map((l) => l.msg)).toEqual([
      'received SIGTERM: shutting down',
      'shutdown: stop accepting requests done',
      'shutdown: drain jobs done',
      'shutdown: close database done',
      'shutdown complete',
    ]);
    expect(h.log[1].obj.ms).toBeGreaterThanOrEqual(15);
    expect(h.exits).toEqual([0]);
    expect(h.signals.listenerCount('SIGTERM') + h.signals.listenerCount('SIGINT')).toBe(0);
  });

  it('listens to SIGINT too by default, and to nothing else', async () => {
    const h = harness();
    onShutdown([], { process: h.signals, logger: h.logger, exit: h.exit });
    expect(h.signals.listenerCount('SIGHUP')).toBe(0);
    h.signals.emit('SIGINT', 'SIGINT');
    expect(await h.exitedOnce).toBe(0);
  });

  it('a second signal exits 1 at once, naming the step it interrupted; later steps never run', async () => {
    const h = harness();
    const trace: string[] = [];
    onShutdown([step('drain jobs', trace, 5_000), step('close database', trace)], {
      process: h.signals,
      logger: h.logger,
      exit: h.exit,
    });
    h.signals.emit('SIGTERM', 'SIGTERM');
    await sleep(20);
    const started = performance.now();
    h.signals.emit('SIGINT', 'SIGINT');
    expect(await h.exitedOnce).toBe(1);
    expect(performance.now() - started).toBeLessThan(50);
    expect(h.log.at(-1)).toMatchObject({
      level: 'error',
      msg: 'second SIGINT during shutdown (at "drain jobs"): exiting now with code 1',
    });
    expect(trace).toEqual(['start drain jobs']);
    h.signals.emit('SIGINT', 'SIGINT');
    expect(h.exits).toEqual([1]);
  });

  it('exits 1 when the steps outlast the timeout, naming the stuck step', async () => {
    const h = harness();
    const trace: string[] = [];
    onShutdown(
      [step('stop accepting requests', trace), { name: 'drain jobs', run: () => new Promise(() => {}) }],
      {
        process: h.signals,
        logger: h.logger,
        exit: h.exit,
        timeoutMs: 100,
      },
    );
    const started = performance.now();
    h.signals.emit('SIGTERM', 'SIGTERM');
    expect(await h.exitedOnce).toBe(1);
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThanOrEqual(95);
    expect(ms).toBeLessThan(300);
    expect(h.log.at(-1)).toMatchObject({
      level: 'error',
      msg: 'shutdown did not finish within 100 ms (stuck at "drain jobs"); exiting with code 1',
    });
  });

  it('a failing step is logged, the next steps still run, and the exit code is 1', async () => {
    const h = harness();
    const trace: string[] = [];
    onShutdown(
      [
        { name: 'drain jobs', run: () => Promise.reject(new Error('Redis went away')) },
        step('close database', trace),
      ],
      { process: h.signals, logger: h.logger, exit: h.exit },
    );
    h.signals.emit('SIGTERM', 'SIGTERM');
    expect(await h.exitedOnce).toBe(1);
    expect(trace).toEqual(['start close database', 'end close database']);
    const failed = h.log.find((l) => l.level === 'error')!;
    expect(failed.msg).toBe('shutdown: drain jobs failed; going on with the next step');
    expect((failed.obj.err as Error).message).toBe('Redis went away');
    expect(h.log.at(-1)!.msg).toBe('shutdown finished with 1 failed step(s); exiting with code 1');
  });

  it('shutdown(reason) starts it without a signal and resolves with the exit code', async () => {
    const h = harness();
    const trace: string[] = [];
    const handle = onShutdown([step('close database', trace)], {
      process: h.signals,
      logger: h.logger,
      exit: h.exit,
    });
    const code = await handle.shutdown('fatal: port in use');
    expect(code).toBe(0);
    expect(h.log[0].msg).toBe('fatal: port in use: shutting down');
    expect(await handle.shutdown('again')).toBe(0);
    expect(h.exits).toEqual([0]);
  });

  it('uses the given signals only, and dispose() removes its listeners', () => {
    const h = harness();
    const handle = onShutdown([], {
      process: h.signals,
      logger: h.logger,
      exit: h.exit,
      signals: ['SIGUSR2'],
    });
    expect(h.signals.listenerCount('SIGUSR2')).toBe(1);
    expect(h.signals.listenerCount('SIGTERM')).toBe(0);
    handle.dispose();
    expect(h.signals.listenerCount('SIGUSR2')).toBe(0);
    h.signals.emit('SIGUSR2', 'SIGUSR2');
    expect(h.exits).toEqual([]);
  });
});

describe('onShutdown in a real process', () => {
  const shutdownModule = fileURLToPath(new URL('../../src/ops/shutdown.ts', import.meta.url));

  /** Starts a node process that registers the steps, waits for it to be ready, then sends signals. */
  async function run(stepsSource: string, signals: NodeJS.Signals[]) {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { onShutdown } from ${JSON.stringify(shutdownModule)};
         const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
         onShutdown(${stepsSource});
         setInterval(() => {}, 1000);
         console.log('ready');`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('ready')) resolve();
      }),
    );
    for (const signal of signals) {
      child.kill(signal);
      await sleep(50);
    }
    const code = await exited;
    return {
      code,
      stdout,
      messages: stderr
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).msg as string),
    };
  }

  it('SIGTERM drains and exits 0', async () => {
    const { code, stdout, messages } = await run(
      `[{ name: 'drain jobs', run: async () => { await sleep(100); console.log('drained'); } }]`,
      ['SIGTERM'],
    );
    expect(code).toBe(0);
    expect(stdout).toContain('drained');
    expect(messages).toEqual([
      'received SIGTERM: shutting down',
      'shutdown: drain jobs done',
      'shutdown complete',
    ]);
  });

  it('a second Ctrl+C exits 1 without waiting for the drain', async () => {
    const { code, stdout, messages } = await run(
      `[{ name: 'drain jobs', run: async () => { await sleep(5000); console.log('drained'); } }]`,
      ['SIGINT', 'SIGINT'],
    );
    expect(code).toBe(1);
    expect(stdout).not.toContain('drained');
    expect(messages.at(-1)).toBe('second SIGINT during shutdown (at "drain jobs"): exiting now with code 1');
  });
});
