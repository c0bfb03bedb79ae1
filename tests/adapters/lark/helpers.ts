/**
 * Shared pieces of the Lark channel tests: what Lark sends (compact JSON, AES-256-CBC encrypted,
 * signed with X-Lark-Signature = sha256(timestamp + nonce + encryptKey + body)), a logger whose
 * lines can be read back, real metrics, and an `accept` that records what it was handed.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { encryptLarkPayload } from '../../../adapters/lark/decrypt.ts';
import { larkSignature } from '../../../adapters/lark/verify.ts';
import type { AcceptResult, InboundEvent } from '../../../src/inbound/ports.ts';
import { createMetrics, type Metrics } from '../../../src/ops/metrics.ts';

export const ENCRYPT_KEY = 'kT9wQ2hL7pX4vB1n';
export const TOKEN = 'v_token_Helpline01';
export const BOT = 'ou_bot0000000000000000000000000001';
export const APP_ID = 'cli_a5f3b2c1d0e9f8a7';

/** A fixture as the object Lark sends. */
export const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

export interface LarkHttpRequest {
  headers: Record<string, string>;
  body: string;
}

/** The HTTP request Lark makes for `event`: compact JSON, encrypted and signed when a key is given. */
export function larkRequest(
  event: unknown,
  opts: { encryptKey?: string; nowMs: number; tsSeconds?: number; signWith?: string; nonce?: string },
): LarkHttpRequest {
  const plain = JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (!opts.encryptKey) return { headers, body: plain };
  const body = JSON.stringify({ encrypt: encryptLarkPayload(plain, opts.encryptKey) });
  const ts = String(opts.tsSeconds ?? Math.floor(opts.nowMs / 1000));
  const nonce = opts.nonce ?? String(Math.floor(Math.random() * 1e10));
  headers['x-lark-request-timestamp'] = ts;
  headers['x-lark-request-nonce'] = nonce;
  headers['x-lark-signature'] = larkSignature(ts, nonce, opts.signWith ?? opts.encryptKey, body);
  return { headers, body };
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger at debug whose lines are kept in `lines`. */
export function capturingLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  const at = (level: 'debug' | 'warn' | 'error') => {
    const n = { debug: 20, warn: 40, error: 50 }[level];
    return lines.filter((l) => l.level === n);
  };
  return { logger, lines, at };
}

/** Real metrics; `value(text)` reads one sample from the exposition. */
export function testMetrics(): Metrics & { value(sample: string): Promise<number> } {
  const m = createMetrics({ processMetrics: false });
  return Object.assign(m, {
    async value(sample: string) {
      const text = await m.render();
      const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
      return line ? Number(line.slice(sample.length + 1)) : 0;
    },
  });
}

/** An `accept` that records events and answers as told (or rejects with `fail`). */
export function recordingAccept() {
  const events: InboundEvent[] = [];
  const waiters: Array<() => void> = [];
  let answer: AcceptResult | Error = 'queued';
  const accept = async (event: InboundEvent): Promise<AcceptResult> => {
    events.push(event);
    for (const w of waiters.splice(0)) w();
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return {
    accept,
    events,
    answer(a: AcceptResult | Error) {
      answer = a;
    },
    /** Resolves once `n` events were accepted. */
    async waitFor(n: number, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${events.length} of ${n} events accepted`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}
