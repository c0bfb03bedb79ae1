/**
 * Graceful shutdown (DESIGN §7: drain jobs, lose no accepted event). The first SIGTERM/SIGINT runs
 * the steps in order — stop accepting, drain jobs, close connections — and exits 0; a second signal
 * or the deadline exits 1 at once, naming the step that was stuck. The signal source and `exit` are
 * parameters so tests emit a fake signal on an EventEmitter.
 */
import { createLogger, type LogSink } from './logger.ts';

export interface ShutdownStep {
  /** Shown in the log, e.g. "stop accepting requests", "drain jobs", "close database". */
  name: string;
  run: () => Promise<void>;
}

/** Where signals come from: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(signal: string, listener: (signal: string) => void): unknown;
  off(signal: string, listener: (signal: string) => void): unknown;
}

export interface ShutdownOptions {
  /** @defaultValue ['SIGTERM', 'SIGINT'] */
  signals?: readonly string[];
  /**
   * The whole shutdown must finish within this time, or the process exits 1. Keep it below the
   * orchestrator's grace period (Kubernetes: 30 s). @defaultValue 20000
   */
  timeoutMs?: number;
  /** @defaultValue createLogger() */
  logger?: LogSink;
  /** @defaultValue process.exit */
  exit?: (code: number) => void;
  /** @defaultValue process */
  process?: SignalSource;
}

export interface ShutdownHandle {
  /** Starts shutting down as if a signal had arrived (e.g. after a fatal error); resolves with the exit code. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal listeners. */
  dispose(): void;
}

export function onShutdown(steps: readonly ShutdownStep[], options: ShutdownOptions = {}): ShutdownHandle {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const timeoutMs = options.timeoutMs ?? 20_000;
  const logger = options.logger ?? createLogger();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const source: SignalSource = options.process ?? process;

  let state: 'idle' | 'running' | 'done' = 'idle';
  let current: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let resolveCode!: (code: number) => void;
  const exited = new Promise<number>((resolve) => {
    resolveCode = resolve;
  });

  const dispose = () => {
    for (const signal of signals) source.off(signal, onSignal);
  };

  const end = (code: number) => {
    if (state === 'done') return;
    state = 'done';
    clearTimeout(timer);
    dispose();
    exit(code);
    resolveCode(code);
  };

  const run = async (reason: string) => {
    state = 'running';
    logger.info({ reason, steps: steps.map((s) => s.name), timeoutMs }, `${reason}: shutting down`);
    timer = setTimeout(() => {
      logger.error(
        { step: current, timeoutMs },
        `shutdown did not finish within ${timeoutMs} ms (stuck at "${current}"); exiting with code 1`,
      );
      end(1);
    }, timeoutMs);
    let failures = 0;
    for (const step of steps) {
      if (state !== 'running') return;
      current = step.name;
      const started = performance.now();
      try {
        await step.run();
        if (state !== 'running') return;
        logger.info(
          { step: step.name, ms: Math.round(performance.now() - started) },
          `shutdown: ${step.name} done`,
        );
      } catch (err) {
        failures++;
        // Later steps still run: a failed drain must not leave the database open.
        logger.error({ err, step: step.name }, `shutdown: ${step.name} failed; going on with the next step`);
      }
    }
    if (state !== 'running') return;
    logger.info(
      { failures },
      failures === 0
        ? 'shutdown complete'
        : `shutdown finished with ${failures} failed step(s); exiting with code 1`,
    );
    end(failures === 0 ? 0 : 1);
  };

  function onSignal(signal: string) {
    if (state === 'idle') {
      void run(`received ${signal}`);
    } else if (state === 'running') {
      logger.error(
        { signal, step: current },
        `second ${signal} during shutdown (at "${current}"): exiting now with code 1`,
      );
      end(1);
    }
  }

  for (const signal of signals) source.on(signal, onSignal);

  return {
    shutdown(reason) {
      if (state === 'idle') void run(reason);
      return exited;
    },
    dispose,
  };
}
