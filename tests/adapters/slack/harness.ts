/**
 * What the Slack channel tests share: signed requests, ChannelDeps that record what they were
 * given (accepted events, log lines, metric observations), and an `accept` that dedupes by event id
 * like the real one.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { AcceptResult, ChannelDeps, InboundEvent } from '../../../src/inbound/ports.ts';

export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
/** 2024-05-20T09:00:00Z, the clock of every test here. */
export const NOW = Date.UTC(2024, 4, 20, 9, 0, 0);
export const BOT = { botUserId: 'U0LAN0Z89', botId: 'B0LAN0Z90', teamId: 'T061EG9R6' };

export function signedHeaders(
  rawBody: string,
  contentType: string,
  opts: { secret?: string; timestampSec?: number } = {},
): Record<string, string> {
  const ts = String(opts.timestampSec ?? Math.floor(NOW / 1000));
  const sig = createHmac('sha256', opts.secret ?? SIGNING_SECRET)
    .update(`v0:${ts}:${rawBody}`)
    .digest('hex');
  return { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${sig}` };
}

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface Recorder {
  deps: ChannelDeps;
  accepted: InboundEvent[];
  /** Every event accept was called with, duplicates included. */
  offered: InboundEvent[];
  logs: LogLine[];
  rejected: Array<{ platform: string; reason: string }>;
  acks: number[];
  deduplicated: number;
  /** Makes the next accept calls reject (could not queue). */
  failAccept(times?: number): void;
  /** Called inside accept, before it resolves (to check ordering against acks). */
  onAccept?: (event: InboundEvent) => void;
}

export function recorder(now: () => number = () => NOW): Recorder {
  const logs: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const seen = new Set<string>();
  let failures = 0;
  const r: Recorder = {
    accepted: [],
    offered: [],
    logs,
    rejected: [],
    acks: [],
    deduplicated: 0,
    failAccept(times = 1) {
      failures += times;
    },
    deps: undefined as unknown as ChannelDeps,
  };
  r.deps = {
    async accept(event): Promise<AcceptResult> {
      r.offered.push(event);
      r.onAccept?.(event);
      if (failures > 0) {
        failures--;
        throw new Error('queue unavailable');
      }
      if (seen.has(event.eventId)) return 'duplicate';
      seen.add(event.eventId);
      r.accepted.push(event);
      return 'queued';
    },
    logger: pino({ level: 'debug' }, stream),
    metrics: {
      webhookRejected: {
        inc: (labels) => {
          r.rejected.push(labels);
        },
      },
      ackSeconds: {
        observe: (_labels, s) => r.acks.push(s),
        startTimer: () => () => 0,
      },
      eventsDeduplicated: {
        inc: () => {
          r.deduplicated++;
        },
      },
    },
    now,
  };
  return r;
}

/** Lets pino's stream and pending callbacks flush. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A local port nothing listens on (connections to it are refused). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
