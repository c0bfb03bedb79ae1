/**
 * The long connection (LARK_MODE=ws, the default): the SDK's WSClient asks LARK_DOMAIN for a
 * WebSocket endpoint (POST /callback/ws/endpoint with the app id and secret), connects, and hands
 * each event frame to the inbound handler (inbound.ts), the one the webhook uses. Payloads arrive unencrypted and unsigned —
 * the connection itself is authenticated — so there is no webhook-style verification; parseLark
 * still checks every payload. The SDK acks a frame with code 200 when our handler resolved and 500
 * when it threw (accept rejected), which makes Lark redeliver. Card callbacks (card.action.trigger)
 * come over the same connection when the app's callback mode is "long connection".
 *
 * `start` resolves once connected, rejects when the SDK gives up (wrong app secret, connection
 * refused for good), and after `readyTimeoutMs` resolves `false`: the SDK keeps retrying in the
 * background, so a slow network does not stop the server.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { LarkInbound } from './inbound.ts';
import { sdkLogger } from './sdk-logger.ts';

/**
 * What WSClient calls for each event frame: `invoke(body)`, with the frame's JSON as it came —
 * the schema 2.0 envelope, unencrypted. Its result is the frame's ack data (`{}`: for a card
 * callback, no card change); a rejection acks 500 and Lark redelivers. The SDK's EventDispatcher
 * would flatten the event first; this hands it to our parser whole.
 */
function frameHandler(inbound: LarkInbound): lark.EventDispatcher {
  const handler = {
    invoke: async (body: unknown) => {
      await inbound(body);
      return {};
    },
  };
  return handler as unknown as lark.EventDispatcher;
}

export interface LarkLongConnectionOptions {
  appId: string;
  appSecret: string;
  domain: string;
  inbound: LarkInbound;
  logger: Logger;
  /** @defaultValue 15_000 */
  readyTimeoutMs?: number;
}

export class LarkLongConnection {
  readonly #options: LarkLongConnectionOptions;
  readonly #log: Logger;
  #client?: lark.WSClient;

  constructor(options: LarkLongConnectionOptions) {
    this.#options = options;
    this.#log = options.logger.child({ platform: 'lark', transport: 'ws' });
  }

  /** Connects; true when connected, false when still trying after the timeout. */
  start(): Promise<boolean> {
    const { appId, appSecret, domain, inbound } = this.#options;
    return new Promise<boolean>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(() => settle(() => resolve(false)), this.#options.readyTimeoutMs ?? 15_000);
      timer.unref?.();
      const client = new lark.WSClient({
        appId,
        appSecret,
        domain,
        loggerLevel: lark.LoggerLevel.info,
        logger: sdkLogger(this.#options.logger),
        autoReconnect: true,
        onReady: () => {
          this.#log.info('Lark long connection established');
          settle(() => resolve(true));
        },
        onError: (err) => {
          this.#log.error({ err: err.message }, 'Lark long connection failed');
          settle(() => reject(err));
        },
        onReconnecting: () => this.#log.warn('Lark long connection lost; reconnecting'),
        onReconnected: () => this.#log.info('Lark long connection re-established'),
      });
      this.#client = client;
      client
        .start({ eventDispatcher: frameHandler(inbound) })
        .catch((err: unknown) => settle(() => reject(err)));
    });
  }

  /** The SDK's view of the connection, for readiness checks. */
  state(): string {
    return this.#client?.getConnectionStatus().state ?? 'idle';
  }

  stop(): void {
    this.#client?.close({ force: true });
    this.#client = undefined;
  }
}
