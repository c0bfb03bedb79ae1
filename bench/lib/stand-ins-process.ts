/**
 * Starts bench/lib/stand-ins-child.ts (the Slack Web API and Lark Open API stand-ins) in its own
 * process, waits for its URLs, and asks it what the server delivered. Stopping closes the IPC
 * channel, on which the child exits (SIGKILL if it does not).
 */
import { fork } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const CHILD = path.join(import.meta.dirname, 'stand-ins-child.ts');
const TAIL_LINES = 20;
/** A tally walks every message once; this is only a bound against a child gone wrong. */
const ASK_TIMEOUT_MS = 60_000;

/** Who the bot is on Slack (auth.test answers this). */
export const SLACK_BOT = { botUserId: 'U0HELPLINE', botId: 'B0HELPLINE', teamId: 'T0BENCH' };
/** The Lark tenant the events come from. */
export const LARK_TENANT = '2ca1d211f64f6438';

export interface StandInsReady {
  /** SLACK_API_URL, ending in /api/. */
  slackApiUrl: string;
  /** LARK_DOMAIN. */
  larkUrl: string;
  larkAppId: string;
  larkAppSecret: string;
}

export interface StandInsProgress {
  slackMessages: number;
  larkMessages: number;
  slackCalls: number;
  larkCalls: number;
}

export interface DeliveryTally {
  /** Inbound messages asked about. */
  inbound: number;
  /** Of those, how many have at least one bot message in their thread. */
  answered: number;
  missing: number;
  /** Threads with a real answer (a message other than the never-silent fallback). */
  realAnswers: number;
  /** Fallback messages ("Sorry — I'm having trouble…": the watchdog's reply to a turn late by 15 s). */
  fallbacks: number;
  /** Bot messages in those threads. */
  messages: number;
  /** Threads by number of bot messages in them ("1": n, "2": n, …). */
  perThread: Record<string, number>;
  /**
   * Slack: idempotency keys (message metadata) posted more than once — a duplicate the employee
   * sees. Lark: uuids sent more than once (Lark, and the stand-in, answer the first message again,
   * so the employee sees one).
   */
  repeatedKeys: number;
  /** API calls since the previous tally of the platform, by method. */
  calls: Record<string, number>;
  /** Of those, calls answered with an error, by method and outcome. */
  failures: Record<string, number>;
  /** Up to five inbound refs without an answer, to look up in the server log. */
  sampleMissing: string[];
}

export interface StandIns extends StandInsReady {
  pid: number;
  progress(): Promise<StandInsProgress>;
  /** What the answers to these inbound messages (Slack ts / Lark message ids) look like. */
  tally(platform: 'slack' | 'lark', refs: string[]): Promise<DeliveryTally>;
  tail(): string;
  stop(): Promise<void>;
}

export async function startStandIns(options: {
  env: Record<string, string>;
  logFile: string;
  startTimeoutMs: number;
}): Promise<StandIns> {
  const child = fork(CHILD, [], { env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const log = createWriteStream(options.logFile);
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    });
  }
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let onReady: ((r: StandInsReady) => void) | undefined;
  child.on('message', (raw) => {
    const m = raw as { ready?: StandInsReady; id?: number; result?: unknown; error?: string };
    if (m.ready) return onReady?.(m.ready);
    if (m.id === undefined) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(`stand-ins: ${m.error}`));
    else p.resolve(m.result);
  });
  void exit.then(() => {
    for (const p of pending.values()) p.reject(new Error(`the stand-ins exited:\n${tail.join('\n')}`));
    pending.clear();
  });

  const ready = await new Promise<StandInsReady>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the stand-ins did not start within ${options.startTimeoutMs} ms`)),
      options.startTimeoutMs,
    );
    onReady = (r) => {
      clearTimeout(timer);
      resolve(r);
    };
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error('the stand-ins exited before they were ready'));
    });
  }).catch(async (err) => {
    if (!exited) child.kill('SIGKILL');
    await exit;
    log.end();
    throw new Error(`${(err as Error).message}. Their last lines:\n${tail.join('\n')}`);
  });

  const ask = <T>(msg: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error(`the stand-ins exited:\n${tail.join('\n')}`));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the stand-ins did not answer ${String(msg.cmd)} within ${ASK_TIMEOUT_MS} ms`));
      }, ASK_TIMEOUT_MS);
      pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ id, ...msg });
    });

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    if (!exited) {
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => log.end(resolve));
  };
  return {
    ...ready,
    pid: child.pid ?? 0,
    progress: () => ask<StandInsProgress>({ cmd: 'progress' }),
    tally: (platform, refs) => ask<DeliveryTally>({ cmd: 'tally', platform, refs }),
    tail: () => tail.join('\n'),
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
