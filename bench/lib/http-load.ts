/**
 * Load generation over node:http with keep-alive: JSON requests, an open-loop schedule, and an SSE
 * reader. Open loop means request i is sent at t0 + i/rate whatever happened to the earlier ones,
 * and its latency is measured from that scheduled moment: a server stall then shows up in every
 * request it delayed instead of being hidden by a client that waited (coordinated omission).
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface JsonResponse {
  status: number;
  body: unknown;
}

export interface HttpClient {
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<JsonResponse>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

/**
 * A keep-alive client for one server. `maxSockets` bounds the connections; beyond them requests
 * queue in the agent, and that wait counts in their latency as it would for a real client pool.
 */
export function httpClient(baseUrl: string, options: { maxSockets: number; timeoutMs: number }): HttpClient {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  return {
    request(method, path, body) {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            host: base.hostname,
            port: base.port,
            method,
            path,
            agent,
            timeout: options.timeoutMs,
            headers: payload
              ? { 'content-type': 'application/json', 'content-length': payload.length }
              : undefined,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown = text;
              if ((res.headers['content-type'] ?? '').includes('json')) {
                try {
                  parsed = JSON.parse(text);
                } catch {}
              }
              resolve({ status: res.statusCode ?? 0, body: parsed });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

export interface OpenLoopResult {
  /** Requests fired (fewer than asked only if the time bound cut the schedule short). */
  fired: number;
  /** Fired minus scheduled time per request, ms: how late the generator itself was. */
  sendLagMs: number[];
  /** Wall time from the first scheduled send to the last, ms. */
  spanMs: number;
}

/**
 * Calls `fire(i, scheduledAt)` for i = 0…count−1 at `performance.now()` moments t0 + i·1000/rate,
 * never waiting for earlier calls to finish. Stops early, leaving the rest unfired, once `maxMs`
 * past t0 has gone by (a generator that cannot keep up must not run forever).
 */
export async function openLoop(
  count: number,
  ratePerSec: number,
  maxMs: number,
  fire: (i: number, scheduledAt: number) => void,
): Promise<OpenLoopResult> {
  const t0 = performance.now() + 5;
  const sendLagMs: number[] = [];
  let i = 0;
  for (; i < count; i++) {
    const at = t0 + (i * 1000) / ratePerSec;
    const wait = at - performance.now();
    if (wait > 0.5) await sleep(wait);
    const now = performance.now();
    if (now - t0 > maxMs) break;
    sendLagMs.push(Math.max(0, now - at));
    fire(i, at);
  }
  return { fired: i, sendLagMs, spanMs: performance.now() - t0 };
}

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

export interface SseStream {
  /** Resolves once the response headers arrived (status 200), rejects otherwise. */
  opened: Promise<void>;
  close(): void;
}

/**
 * Reads a server-sent event stream, calling `onEvent` for each event as it completes (comments and
 * heartbeats are skipped). Each stream holds its own connection, outside any pool.
 */
export function sseStream(
  url: string,
  onEvent: (e: SseEvent) => void,
  onError: (err: Error) => void,
): SseStream {
  let req: http.ClientRequest | undefined;
  let closed = false;
  const opened = new Promise<void>((resolve, reject) => {
    req = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${url} answered ${res.statusCode}`));
        return;
      }
      resolve();
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: SseEvent = { event: 'message', data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line === '' || line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon === -1 ? line : line.slice(0, colon);
            const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') e.event = value;
            else if (field === 'id') e.id = value;
            else if (field === 'data') data.push(value);
          }
          if (data.length === 0) continue;
          e.data = data.join('\n');
          onEvent(e);
        }
      });
      res.on('error', (err) => {
        if (!closed) onError(err);
      });
      res.on('end', () => {
        if (!closed) onError(new Error(`the event stream ${url} ended`));
      });
    });
    req.on('error', (err) => {
      if (!closed) {
        reject(err);
        onError(err);
      }
    });
  });
  opened.catch(() => {});
  return {
    opened,
    close() {
      closed = true;
      req?.destroy();
    },
  };
}
