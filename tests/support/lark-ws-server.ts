/**
 * A local stand-in for Lark's long-connection gateway, for the SDK's real WSClient (Lark's servers
 * cannot run here). What it speaks was read from @larksuiteoapi/node-sdk 1.74 (lib/index.js,
 * `WSClient`, `WSConfig`, `pbbp2`):
 *
 * - `POST {domain}/callback/ws/endpoint` with `{AppID, AppSecret}` →
 *   `{code: 0, data: {URL, ClientConfig: {PingInterval, ReconnectCount, ReconnectInterval,
 *   ReconnectNonce}}}` (seconds). Wrong credentials → `{code: 514, msg}` (the SDK's auth_failed,
 *   which it does not retry). The URL's query carries `device_id` and `service_id`.
 * - Then a WebSocket of binary protobuf frames, `pbbp2.Frame {SeqID, LogID, service, method,
 *   headers: [{key, value}], payloadEncoding, payloadType, payload, LogIDNew}`; method 0 = control
 *   (ping/pong), 1 = data. The proto is declared below field for field as the SDK's bundled one.
 * - The client pings (`type: ping`) on open and every PingInterval; we answer `type: pong` with the
 *   ClientConfig as JSON payload.
 * - An event is a data frame with headers `type: event`, `message_id`, `sum`, `seq`, `trace_id` and
 *   the event JSON as payload (split into `sum` fragments if asked). The SDK answers with the same
 *   frame plus a `biz_rt` header and payload `{code: 200 | 500, data?: base64(JSON of the handler's
 *   result)}`; `sendEvent` resolves to that ack.
 *
 * Use: `const ws = await startLarkWsServer({ appId, appSecret })` and give the WSClient
 * `domain: ws.url`; or let tests/support/lark-api-stand-in.ts host it (`longConnection: true`),
 * so one LARK_DOMAIN serves both the Open API and the long connection.
 *
 * `ws` (the SDK's own WebSocket library) is loaded with createRequire: it ships no types, and only
 * the few members declared below are used.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import protobuf from 'protobufjs';

interface WsSocket {
  readyState: number;
  send(data: Uint8Array): void;
  on(event: 'message', cb: (data: Buffer) => void): void;
  on(event: 'close', cb: () => void): void;
  terminate(): void;
}
interface WsServer {
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, cb: (ws: WsSocket) => void): void;
  close(): void;
}
const { WebSocketServer } = createRequire(import.meta.url)('ws') as {
  WebSocketServer: new (options: { noServer: true }) => WsServer;
};

const PROTO = protobuf.Root.fromJSON({
  nested: {
    pbbp2: {
      nested: {
        Header: {
          fields: {
            key: { rule: 'required', type: 'string', id: 1 },
            value: { rule: 'required', type: 'string', id: 2 },
          },
        },
        Frame: {
          fields: {
            SeqID: { rule: 'required', type: 'uint64', id: 1 },
            LogID: { rule: 'required', type: 'uint64', id: 2 },
            service: { rule: 'required', type: 'int32', id: 3 },
            method: { rule: 'required', type: 'int32', id: 4 },
            headers: { rule: 'repeated', type: 'Header', id: 5 },
            payloadEncoding: { type: 'string', id: 6 },
            payloadType: { type: 'string', id: 7 },
            payload: { type: 'bytes', id: 8 },
            LogIDNew: { type: 'string', id: 9 },
          },
        },
      },
    },
  },
});
const FRAME = PROTO.lookupType('pbbp2.Frame');

export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: Array<{ key: string; value: string }>;
  payload?: Uint8Array;
}

export function encodeFrame(frame: Frame): Uint8Array {
  return FRAME.encode(FRAME.fromObject(frame)).finish();
}

export function decodeFrame(data: Uint8Array): Frame {
  const o = FRAME.toObject(FRAME.decode(data), { longs: Number, defaults: true }) as Frame;
  return { ...o, headers: o.headers ?? [] };
}

const METHOD_CONTROL = 0;
const METHOD_DATA = 1;
const SERVICE_ID = 33554678;

export interface WsAck {
  /** 200 when the handler resolved, 500 when it threw. */
  code: number;
  /** The handler's result, decoded from the base64 JSON the SDK sends (card callback answers). */
  data?: unknown;
  /** All headers of the ack frame (message_id, trace_id, biz_rt, …). */
  headers: Record<string, string>;
}

export interface SendEventOptions {
  /** Frame type header. @defaultValue 'event' (card callbacks use it too) */
  type?: string;
  /** Split the payload into this many fragments (sum/seq headers). @defaultValue 1 */
  fragments?: number;
  /** Reject when no ack comes in time. @defaultValue 5000 */
  timeoutMs?: number;
}

export interface LarkWsServerOptions {
  appId: string;
  appSecret: string;
  /** ClientConfig.PingInterval in seconds. @defaultValue 120 */
  pingIntervalSec?: number;
}

/** The long-connection side, attachable to any node:http server (see lark-api-stand-in.ts). */
export interface LarkWsGateway {
  /** Every POST /callback/ws/endpoint body. */
  readonly endpointCalls: Array<{ AppID?: string; AppSecret?: string }>;
  /** Every frame the client sent (pings and acks), decoded. */
  readonly received: Frame[];
  /** Pings answered. */
  readonly pings: () => number;
  /** Clients connected now. */
  readonly connections: () => number;
  /** Resolves when a client is connected (at once if one is). */
  connected(timeoutMs?: number): Promise<void>;
  /** Sends an event (the body Lark would deliver) and resolves to the client's ack. */
  sendEvent(body: unknown, options?: SendEventOptions): Promise<WsAck>;
  /** Closes the client's socket, as a gateway restart would (the SDK reconnects). */
  dropConnections(): void;
  /** Answers POST /callback/ws/endpoint; false for other paths. */
  handleHttp(req: IncomingMessage, res: ServerResponse, rawBody: string): boolean;
  close(): void;
}

export function attachLarkWs(server: Server, options: LarkWsServerOptions): LarkWsGateway {
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WsSocket>();
  const endpointCalls: LarkWsGateway['endpointCalls'] = [];
  const received: Frame[] = [];
  const pending = new Map<string, (ack: WsAck) => void>();
  const waiting: Array<() => void> = [];
  let pings = 0;
  let seq = 0;
  const pingInterval = options.pingIntervalSec ?? 120;
  const clientConfig = {
    PingInterval: pingInterval,
    ReconnectCount: -1,
    ReconnectInterval: 1,
    ReconnectNonce: 0,
  };

  const port = () => (server.address() as AddressInfo).port;

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws/v2' || url.searchParams.get('ticket') === null) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data: Buffer) => onFrame(ws, decodeFrame(data)));
      for (const w of waiting.splice(0)) w();
    });
  });

  function onFrame(ws: WsSocket, frame: Frame): void {
    received.push(frame);
    const headers = Object.fromEntries(frame.headers.map((h) => [h.key, h.value]));
    if (frame.method === METHOD_CONTROL && headers.type === 'ping') {
      pings++;
      ws.send(
        encodeFrame({
          SeqID: 0,
          LogID: 0,
          service: frame.service,
          method: METHOD_CONTROL,
          headers: [{ key: 'type', value: 'pong' }],
          payload: new TextEncoder().encode(JSON.stringify(clientConfig)),
        }),
      );
      return;
    }
    if (frame.method === METHOD_DATA && headers.message_id) {
      const resolve = pending.get(headers.message_id);
      if (!resolve) return;
      pending.delete(headers.message_id);
      const body = JSON.parse(new TextDecoder().decode(frame.payload ?? new Uint8Array())) as {
        code: number;
        data?: string;
      };
      const ack: WsAck = { code: body.code, headers };
      if (body.data) ack.data = JSON.parse(Buffer.from(body.data, 'base64').toString('utf8'));
      resolve(ack);
    }
  }

  const gateway: LarkWsGateway = {
    endpointCalls,
    received,
    pings: () => pings,
    connections: () => sockets.size,

    connected(timeoutMs = 5000) {
      if (sockets.size > 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no long-connection client connected')), timeoutMs);
        waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },

    async sendEvent(body, opts = {}) {
      await gateway.connected(opts.timeoutMs);
      const ws = [...sockets].at(-1) as WsSocket;
      const messageId = randomUUID();
      const bytes = new TextEncoder().encode(JSON.stringify(body));
      const sum = Math.max(1, opts.fragments ?? 1);
      const size = Math.ceil(bytes.length / sum);
      const ack = new Promise<WsAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(messageId);
          reject(new Error(`no ack for event frame ${messageId}`));
        }, opts.timeoutMs ?? 5000);
        pending.set(messageId, (a) => {
          clearTimeout(timer);
          resolve(a);
        });
      });
      for (let i = 0; i < sum; i++) {
        seq++;
        ws.send(
          encodeFrame({
            SeqID: seq,
            LogID: seq,
            service: SERVICE_ID,
            method: METHOD_DATA,
            headers: [
              { key: 'type', value: opts.type ?? 'event' },
              { key: 'message_id', value: messageId },
              { key: 'sum', value: String(sum) },
              { key: 'seq', value: String(i) },
              { key: 'trace_id', value: `trace-${seq}` },
            ],
            payload: bytes.subarray(i * size, (i + 1) * size),
          }),
        );
      }
      return ack;
    },

    dropConnections() {
      for (const ws of sockets) ws.terminate();
      sockets.clear();
    },

    handleHttp(req, res, rawBody) {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method !== 'POST' || url.pathname !== '/callback/ws/endpoint') return false;
      let body: { AppID?: string; AppSecret?: string } = {};
      try {
        body = JSON.parse(rawBody);
      } catch {}
      endpointCalls.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      if (body.AppID !== options.appId || body.AppSecret !== options.appSecret) {
        res.end(JSON.stringify({ code: 514, msg: 'auth failed: app id or app secret is wrong', data: {} }));
        return true;
      }
      const query = new URLSearchParams({
        fpid: '1',
        device_id: 'stand-in-device',
        service_id: String(SERVICE_ID),
        ticket: randomUUID(),
      });
      res.end(
        JSON.stringify({
          code: 0,
          msg: 'ok',
          data: { URL: `ws://127.0.0.1:${port()}/ws/v2?${query}`, ClientConfig: clientConfig },
        }),
      );
      return true;
    },

    close() {
      gateway.dropConnections();
      wss.close();
    },
  };
  return gateway;
}

export interface LarkWsServer extends LarkWsGateway {
  /** The domain for the WSClient (`http://127.0.0.1:port`). */
  url: string;
  stop(): Promise<void>;
}

/** A standalone long-connection server (only /callback/ws/endpoint and the socket). */
export async function startLarkWsServer(options: LarkWsServerOptions): Promise<LarkWsServer> {
  let gateway: LarkWsGateway | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!gateway?.handleHttp(req, res, Buffer.concat(chunks).toString('utf8'))) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 404, msg: 'not found' }));
      }
    });
  });
  gateway = attachLarkWs(server, options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const g = gateway;
  return Object.assign(g, {
    url,
    async stop() {
      g.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
