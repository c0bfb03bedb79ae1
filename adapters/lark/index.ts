/**
 * Lark/Feishu as a ChatChannel (src/inbound/ports.ts): the Open API client, the Deliverer, the
 * profile source, and the inbound transport chosen by LARK_MODE.
 *
 * - `ws` (default): the SDK's long connection; no public URL needed.
 * - `webhook`: POST /lark/events on our HTTP server; needs LARK_VERIFICATION_TOKEN and/or
 *   LARK_ENCRYPT_KEY, since those are what requests are checked against.
 *
 * `routes` (POST /lark/events) exist in both modes whenever a token or encrypt key is configured:
 * in ws mode they serve apps whose card callbacks are set to an HTTP URL while events use the long
 * connection. With neither configured there are no routes (nothing to check a request against).
 *
 * `start()` asks Lark who the bot is (GET /open-apis/bot/v3/info — which also proves the app id and
 * secret), connects the long connection in ws mode, and resolves to the banner line. Every startup
 * problem rejects with a HelplineError CONFIG_INVALID whose message says what to fix; the rest of
 * the server keeps running. A channel whose config is incomplete still exists: its start() rejects,
 * its deliverer refuses (permanently) and its profiles are empty.
 */
import type { Hono } from 'hono';
import type { Config } from '../../src/config/schema.ts';
import { DeliveryError } from '../../src/delivery/errors.ts';
import { HelplineError } from '../../src/errors.ts';
import type { ChannelDeps, ChatChannel, Deliverer, ProfileSource } from '../../src/inbound/ports.ts';
import { createLarkApi, DEFAULT_LARK_DOMAIN, type LarkApi, larkFailureOf } from './api.ts';
import { fetchLarkBotInfo, type LarkBotInfo } from './bot-info.ts';
import { larkInbound } from './inbound.ts';
import { LarkProfiles } from './profiles.ts';
import { LarkDeliverer } from './send.ts';
import { LARK_EVENTS_PATH, larkWebhookRoutes } from './webhook.ts';
import { LarkLongConnection } from './ws.ts';

export type LarkConfig = Config['lark'];

export interface LarkChannelDeps extends ChannelDeps {
  /** Who the bot is; default: GET /open-apis/bot/v3/info. */
  fetchBotInfo?: () => Promise<LarkBotInfo>;
  /** How long start() waits for the long connection before resolving anyway. @defaultValue 15_000 */
  readyTimeoutMs?: number;
}

/** Self-built app ids: "cli_" and 16 hex digits. The SDK's WSClient silently refuses anything else. */
const APP_ID = /^cli_[0-9a-fA-F]{16}$/;

const MODE_HELP = 'Lark/Feishu Developer Console → Events & Callbacks → Mode of event/callback subscription';

function configProblem(config: LarkConfig): string | undefined {
  if (!config.appId)
    return 'LARK_APP_ID is not set: copy the App ID from Developer Console → Credentials & Basic Info.';
  if (!config.appSecret)
    return 'LARK_APP_SECRET is not set: copy the App Secret from Developer Console → Credentials & Basic Info.';
  if (config.mode === 'ws' && !APP_ID.test(config.appId)) {
    return `LARK_APP_ID "${config.appId}" is not a self-built app id ("cli_" and 16 hex digits); the long connection needs one.`;
  }
  if (config.mode === 'webhook' && !config.verificationToken && !config.encryptKey) {
    return 'LARK_MODE=webhook needs LARK_VERIFICATION_TOKEN (and ideally LARK_ENCRYPT_KEY) from Developer Console → Events & Callbacks → Encryption Strategy, or use LARK_MODE=ws.';
  }
  return undefined;
}

const invalid = (message: string, cause?: unknown) =>
  new HelplineError('CONFIG_INVALID', `Lark/Feishu: ${message}`, { cause, details: { platform: 'lark' } });

/** A start() failure of the Open API as an error that says what to fix. */
function startError(err: unknown, domain: string, appId: string): HelplineError {
  const f = larkFailureOf(err);
  if (!f) {
    const code = (err as { code?: unknown })?.code;
    const why = `${typeof code === 'string' ? `${code}: ` : ''}${err instanceof Error ? err.message : String(err)}`;
    return invalid(
      `cannot reach the Open API at ${domain} (${why}). Check LARK_DOMAIN (https://open.feishu.cn for Feishu, https://open.larksuite.com for Lark) and the network or proxy.`,
      err,
    );
  }
  const answer = `${f.code === undefined ? `HTTP ${f.status}` : `code ${f.code}`}: ${f.message}`;
  if (f.credentials) {
    return invalid(
      `${domain} refused the app credentials (${answer}). Check LARK_APP_ID and LARK_APP_SECRET (Developer Console → Credentials & Basic Info) and that LARK_DOMAIN matches where the app was created.`,
      err,
    );
  }
  return invalid(
    `${domain} did not tell the bot's identity (${answer}). Enable the Bot capability for app ${appId} and publish a version of the app.`,
    err,
  );
}

class RefusingDeliverer implements Deliverer {
  readonly platform = 'lark';
  readonly #why: string;
  constructor(why: string) {
    this.#why = why;
  }
  async send(): Promise<{ ref: string }> {
    throw new DeliveryError(`Lark/Feishu is not configured: ${this.#why}`, {
      code: 'not_configured',
      retryable: false,
    });
  }
}

const noProfiles: ProfileSource = { profile: async () => undefined };

export function createLarkChannel(config: LarkConfig, deps: LarkChannelDeps): ChatChannel {
  const domain = (config.domain ?? DEFAULT_LARK_DOMAIN).replace(/\/+$/, '');
  const problem = configProblem(config);
  if (problem) {
    return {
      platform: 'lark',
      deliverer: new RefusingDeliverer(problem),
      profiles: noProfiles,
      start: () => Promise.reject(invalid(problem)),
      stop: async () => {},
    };
  }
  const appId = config.appId as string;
  const appSecret = config.appSecret as string;
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ platform: 'lark' });
  const api: LarkApi = createLarkApi({ appId, appSecret, domain }, deps.logger, now);
  let bot: LarkBotInfo | undefined;

  const inbound = larkInbound({
    accept: deps.accept,
    logger: deps.logger,
    metrics: deps.metrics,
    now,
    botOpenId: () => bot?.openId,
  });
  const verify = { encryptKey: config.encryptKey, verificationToken: config.verificationToken };
  let routes: Hono | undefined;
  if (config.encryptKey || config.verificationToken) {
    routes = larkWebhookRoutes({ logger: deps.logger, metrics: deps.metrics, verify, inbound, now });
  }
  const connection =
    config.mode === 'ws'
      ? new LarkLongConnection({
          appId,
          appSecret,
          domain,
          inbound,
          logger: deps.logger,
          readyTimeoutMs: deps.readyTimeoutMs,
        })
      : undefined;

  const fetchBot = deps.fetchBotInfo ?? (() => fetchLarkBotInfo(api));

  return {
    platform: 'lark',
    routes,
    deliverer: new LarkDeliverer({ api }),
    profiles: new LarkProfiles({ api, logger: deps.logger, now }),

    async start(): Promise<string> {
      try {
        bot = await fetchBot();
      } catch (err) {
        throw err instanceof HelplineError ? err : startError(err, domain, appId);
      }
      const who = `${bot.name} (${appId}) via ${domain}`;
      if (!connection) return `Lark/Feishu: webhook POST ${LARK_EVENTS_PATH} as ${who}`;
      let ready: boolean;
      try {
        ready = await connection.start();
      } catch (err) {
        connection.stop();
        throw invalid(
          `the long connection failed (${err instanceof Error ? err.message : String(err)}). Check that app ${appId} receives events through the long connection (${MODE_HELP}), or set LARK_MODE=webhook.`,
          err,
        );
      }
      if (!ready) log.warn('Lark long connection not ready yet; the SDK keeps retrying');
      return `Lark/Feishu: long connection${ready ? '' : ' (still connecting)'} as ${who}`;
    },

    async stop(): Promise<void> {
      connection?.stop();
    },
  };
}
