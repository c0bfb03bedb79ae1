/**
 * The one way we build Slack Web API clients, and what their errors mean for delivery. Retries are
 * ours, not the SDK's: the outbound queue spaces, retries and dead-letters (src/delivery), so the
 * client neither retries nor sleeps on a 429 — it reports the wait and returns.
 */
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { DeliveryError, retryAfterFrom } from '../../src/delivery/errors.ts';
import { boltLogger } from './bolt-logger.ts';

export type SlackWebClient = webApi.WebClient;
export type SlackClientOptions = webApi.WebClientOptions;

/** Options every client of ours uses (also Bolt's `clientOptions`). */
export function slackClientOptions(apiUrl: string, logger: Logger): SlackClientOptions {
  return {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // A hung call must not hold a delivery slot forever.
    timeout: 10_000,
    logger: boltLogger(logger),
  };
}

export function slackWebClient(token: string, apiUrl: string, logger: Logger): SlackWebClient {
  return new webApi.WebClient(token, slackClientOptions(apiUrl, logger));
}

/** Slack's `ok:false` error codes by the HTTP status they amount to. Unlisted codes are 400. */
const STATUS_BY_ERROR: Record<string, number> = {
  ratelimited: 429,
  rate_limited: 429,
  message_limit_exceeded: 429,
  message_not_found: 404,
  channel_not_found: 404,
  thread_not_found: 404,
  user_not_found: 404,
  not_authed: 401,
  invalid_auth: 401,
  account_inactive: 401,
  token_revoked: 401,
  token_expired: 401,
  missing_scope: 403,
  no_permission: 403,
  not_in_channel: 403,
  is_archived: 403,
  channel_is_archived: 403,
  restricted_action: 403,
  cant_update_message: 403,
  edit_window_closed: 403,
  ekm_access_denied: 403,
  team_access_not_granted: 403,
  internal_error: 503,
  fatal_error: 503,
  service_unavailable: 503,
  request_timeout: 503,
};

/**
 * A Web API failure as a DeliveryError (status, code, Retry-After), so the delivery job can tell
 * "wait", "try again" and "give up" apart. Network failures are returned as the underlying error
 * (src/delivery/types.ts `isNetworkError` recognises it); anything unknown is returned unchanged.
 */
export function toDeliveryError(err: unknown, method: string): unknown {
  if (err instanceof webApi.WebAPIRateLimitedError) {
    return new DeliveryError(`Slack ${method}: rate limited, retry after ${err.retryAfter}s`, {
      status: 429,
      retryAfterMs: Math.ceil(err.retryAfter * 1000),
      code: 'ratelimited',
      cause: err,
    });
  }
  if (err instanceof webApi.WebAPIPlatformError) {
    const code = err.data.error;
    const status = STATUS_BY_ERROR[code] ?? 400;
    return new DeliveryError(`Slack ${method}: ${code}`, { status, code, cause: err });
  }
  if (err instanceof webApi.WebAPIHTTPError) {
    const options: ConstructorParameters<typeof DeliveryError>[1] = {
      status: err.statusCode,
      code: `http_${err.statusCode}`,
      cause: err,
    };
    const retryAfterMs = retryAfterFrom(err.headers);
    if (retryAfterMs !== undefined) options.retryAfterMs = retryAfterMs;
    return new DeliveryError(`Slack ${method}: HTTP ${err.statusCode} ${err.statusMessage}`, options);
  }
  if (err instanceof webApi.WebAPIRequestError) return err.original;
  return err;
}

/** The Slack error code of a Web API failure ('user_not_found'), if it is one. */
export function slackErrorCode(err: unknown): string | undefined {
  if (err instanceof webApi.WebAPIPlatformError) return err.data.error;
  if (err instanceof webApi.WebAPIRateLimitedError) return 'ratelimited';
  if (err instanceof webApi.WebAPIHTTPError) return `http_${err.statusCode}`;
  if (err instanceof webApi.WebAPIRequestError) return 'request_failed';
  return undefined;
}

/** A short reason for logs and error messages: Slack's code, `HTTP 503`, or the network error's code. */
export function describeSlackError(err: unknown): string {
  if (err instanceof webApi.WebAPIHTTPError) return `HTTP ${err.statusCode}`;
  if (err instanceof webApi.WebAPIRequestError) {
    const cause = (err.original as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (typeof cause?.code === 'string') return cause.code;
    if (typeof cause?.message === 'string' && cause.message) return cause.message;
    return err.original.message;
  }
  return slackErrorCode(err) ?? (err instanceof Error ? err.message : String(err));
}
