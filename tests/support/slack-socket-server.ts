/**
 * A local Slack Socket Mode server (https://docs.slack.dev/apis/events-api/using-socket-mode), for
 * tests of the real SocketModeClient: the Web API stand-in's `apps.connections.open` answers this
 * server's ws:// URL; a client that connects gets `hello`, then the envelopes a test sends
 * (`events_api`, `interactive`, `slash_commands`), and its acks `{envelope_id, payload?}` are
 * recorded and returned to the test.
 *
 * `ws` is loaded with createRequire: it is in node_modules through the Lark SDK and openai, but is
 * neither a direct dependency nor typed here (add `ws` and `@types/ws` to devDependencies to import
 * it plainly).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { SlackApiStandIn } from './slack-api-stand-in.ts';

interface WsSocket {
  readyState: number;
  send(data: string, cb?: (err?: Error) => void): void;
  on(event: 'message', listener: (data: Buffer | string) => void): void;
  on(event: 'close', listener: () => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}
interface WsServer {
  on(event: 'connection', listener: (socket: WsSocket, req: IncomingMessage) => void): void;
  on(event: 'listening', listener: () => void): void;
  address(): AddressInfo | string;
  clients: Set<WsSocket>;
  close(cb?: (err?: Error) => void): void;
}
const { WebSocketServer } = createRequire(import.meta.url)('ws') as {
  WebSocketServer: new (options: { port: number; host: string; path?: string }) => WsServer;
};

export type EnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
}

export interface EnvelopeOptions {
  /** Slack's redelivery count (`retry_attempt`). @defaultValue 0 */
  retryAttempt?: number;
  retryReason?: string;
  /** How long to wait for the ack before rejecting. @defaultValue 5000 */
  timeoutMs?: number;
}

export interface SlackSocketServer {
  /** ws://127.0.0.1:port/link/ */
  readonly url: string;
  /** Every ack received, in order. */
  readonly acks: SocketAck[];
  /** Connections made so far (a reconnect adds one). */
  readonly connections: number;
  /** Resolves once a client is connected and has been sent `hello`. */
  connected(): Promise<void>;
  /** Sends an envelope to the newest connection; resolves with the client's ack for it. */
  sendEnvelope(type: EnvelopeType, payload: unknown, options?: EnvelopeOptions): Promise<SocketAck>;
  /** Asks the client to reconnect, as Slack does when it recycles a connection. */
  sendDisconnect(reason?: string): void;
  close(): Promise<void>;
}

/**
 * Starts the server and, when given the Web API stand-in, points its `apps.connections.open` here.
 * The client must connect with the ticket that call handed out.
 */
export async function startSlackSocketServer(standIn?: SlackApiStandIn): Promise<SlackSocketServer> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/link/' });
  await new Promise<void>((resolve) => server.on('listening', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link/`;
  if (standIn) standIn.socketUrl = url;

  const acks: SocketAck[] = [];
  const waiting = new Map<string, (ack: SocketAck) => void>();
  let newest: WsSocket | undefined;
  let connections = 0;
  let onConnected: Array<() => void> = [];

  server.on('connection', (socket, req) => {
    const ticket = new URL(req.url ?? '/', url).searchParams.get('ticket');
    if (!ticket) {
      socket.close(1008, 'missing ticket (connect to the URL apps.connections.open returned)');
      return;
    }
    connections++;
    newest = socket;
    socket.on('message', (data) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      const ack = msg as SocketAck;
      if (typeof ack?.envelope_id !== 'string') return;
      acks.push(ack);
      waiting.get(ack.envelope_id)?.(ack);
      waiting.delete(ack.envelope_id);
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'applink-stand-in', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0STANDIN' },
      }),
    );
    const ready = onConnected;
    onConnected = [];
    for (const r of ready) r();
  });

  const isOpen = () => newest !== undefined && newest.readyState === 1;

  return {
    url,
    acks,
    get connections() {
      return connections;
    },
    connected() {
      if (isOpen()) return Promise.resolve();
      return new Promise<void>((resolve) => onConnected.push(resolve));
    },
    sendEnvelope(type, payload, options = {}) {
      const socket = newest;
      if (socket?.readyState !== 1) return Promise.reject(new Error('No Socket Mode client is connected'));
      const envelopeId = randomUUID();
      const envelope: Record<string, unknown> = {
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
      };
      if (type === 'events_api') {
        envelope.retry_attempt = options.retryAttempt ?? 0;
        envelope.retry_reason = options.retryReason ?? '';
      }
      const timeoutMs = options.timeoutMs ?? 5000;
      return new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(envelopeId);
          reject(new Error(`no ack for ${type} envelope ${envelopeId} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
        socket.send(JSON.stringify(envelope));
      });
    },
    sendDisconnect(reason = 'refresh_requested') {
      newest?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-stand-in' } }));
    },
    async close() {
      if (standIn?.socketUrl === url) standIn.socketUrl = undefined;
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
