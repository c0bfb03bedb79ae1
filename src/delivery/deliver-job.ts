/**
 * The outbound job (queue 'outbound', name 'deliver'): one OutboundMessage posted at most once,
 * within the platform's rate limits, retried while retrying can help, and recorded as a dead letter
 * when it cannot be delivered.
 *
 * One try: claim the key (skip if it was sent) → take the rate-limit buckets (short waits
 * slept here, longer ones rescheduled with RetryLater, which costs no try and frees the key) → post
 * (or edit in place) → record the ref. Failures: 429 → RetryLater(Retry-After, else backoff); 5xx and network errors →
 * rethrown for the runner's exponential backoff; other 4xx → dead at once (PermanentFailure). The
 * runner's last try that fails is recorded dead too.
 */

import { type Deliverer, type OutboundMessage, PLATFORMS, type Platform } from '../inbound/ports.ts';
import type { JobContext, JobHandler, JobRunner, JobSpec } from '../jobs/types.ts';
import { PermanentFailure, RetryLater } from '../jobs/types.ts';
import type { ClaimResult, DeliveryLog } from './delivery-log.ts';
import { DeliveryError, type DeliveryFailureReason, failureReason, isRetryable } from './errors.ts';
import { DEFAULT_LIMITS, limitsFor, type PlatformLimits, type RateLimiter } from './rate-limit.ts';

export const DELIVERY_QUEUE = 'outbound';
export const DELIVERY_JOB = 'deliver';

export interface DeliveryMetrics {
  /** A message was dead-lettered (it will not be delivered). */
  deliveryFailure(platform: Platform, reason: DeliveryFailureReason): void;
  /** A try failed and the message will be tried again. */
  deliveryRetry?(platform: Platform, reason: DeliveryFailureReason): void;
  /** A message was posted (or found already posted by `lookup`). */
  delivered?(platform: Platform): void;
}

export interface DeliveryHandlerOptions {
  /** One per platform that is configured; a message for another platform is dead-lettered. */
  deliverers: Partial<Record<Platform, Deliverer>>;
  limiter: RateLimiter;
  log: DeliveryLog;
  metrics?: DeliveryMetrics;
  /** @defaultValue DEFAULT_LIMITS */
  limits?: Readonly<Record<Platform, PlatformLimits>>;
  /**
   * Rate-limit waits up to this long are slept inside the job (a Lark app bucket's 20 ms); longer
   * ones (a Slack channel's second) free the worker and reschedule the job. @defaultValue 250
   */
  inlineWaitMs?: number;
  /**
   * Wait after a 429 without Retry-After: this, doubled for each earlier attempt, capped at
   * `maxBackoffMs`. @defaultValue 1000
   */
  backoffMs?: number;
  /** @defaultValue 60000 */
  maxBackoffMs?: number;
  /**
   * Send attempts after which a message the platform keeps answering 429 is dead-lettered (a 429
   * costs no runner try, so this is what bounds them). @defaultValue 10
   */
  maxAttempts?: number;
  /** @defaultValue setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Told of every message once it is posted, with the platform's reference (a triage card's ref
   * becomes the thread its replies are relayed from). Errors are the caller's: they fail the job,
   * which finds the message sent on its next try and calls this again.
   */
  onSent?: (msg: OutboundMessage, ref: string) => Promise<void> | void;
}

/** The job id for a message: deterministic, so enqueueing the same message twice adds one job. */
export function deliveryJobId(key: string): string {
  return `deliver:${key}`;
}

/** Messages to one chat run one at a time, in order; different chats run in parallel. */
export function deliveryGroup(msg: Pick<OutboundMessage, 'platform' | 'channel'>): string {
  return `${msg.platform}:${msg.channel}`;
}

export function enqueueDelivery(
  runner: Pick<JobRunner, 'add'>,
  msg: OutboundMessage,
  options: Pick<JobSpec, 'delayMs' | 'attempts' | 'backoffMs'> = {},
): Promise<{ id: string; added: boolean }> {
  return runner.add<OutboundMessage>(DELIVERY_QUEUE, {
    ...options,
    name: DELIVERY_JOB,
    data: msg,
    id: deliveryJobId(msg.key),
    group: deliveryGroup(msg),
  });
}

export function createDeliveryHandler(options: DeliveryHandlerOptions): JobHandler<OutboundMessage> {
  const { deliverers, limiter, log, metrics } = options;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const inlineWaitMs = options.inlineWaitMs ?? 250;
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 10;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  const dead = async (msg: OutboundMessage, reason: DeliveryFailureReason, error: string) => {
    await log.recordDead(msg, error);
    metrics?.deliveryFailure(msg.platform, reason);
  };

  /** Takes the message's buckets, sleeping short waits; throws RetryLater for long ones. */
  const waitForTurn = async (msg: OutboundMessage) => {
    const buckets = limitsFor(msg, limits);
    if (buckets.length === 0) return;
    for (;;) {
      const wait = await limiter.takeAll(buckets);
      if (wait <= 0) return;
      if (wait > inlineWaitMs) throw new RetryLater(wait, `rate limit of ${deliveryGroup(msg)}`);
      await sleep(wait);
    }
  };

  const post = async (deliverer: Deliverer, msg: OutboundMessage): Promise<string> => {
    if (msg.updateOf && deliverer.update) {
      const ref = await log.sentRef(msg.updateOf);
      if (ref) {
        try {
          await deliverer.update(ref, msg);
          return ref;
        } catch (err) {
          // The original was deleted on the platform: post the new content instead.
          if (!(err instanceof DeliveryError && err.status === 404)) throw err;
        }
      }
    }
    return (await deliverer.send(msg)).ref;
  };

  const fail = async (
    err: unknown,
    msg: OutboundMessage,
    ctx: JobContext,
    claim: ClaimResult & { state: 'claimed' },
  ) => {
    const reason = failureReason(err);
    const error = describe(err);
    if (!isRetryable(err)) {
      await dead(msg, reason, error);
      throw new PermanentFailure(`Message ${msg.key} was refused by ${msg.platform}: ${error}`, {
        cause: err,
      });
    }
    if (err instanceof DeliveryError && err.status === 429) {
      if (claim.attempts >= maxAttempts) {
        await dead(msg, reason, error);
        throw new PermanentFailure(
          `Message ${msg.key} is still rate-limited by ${msg.platform} after ${claim.attempts} attempts: ${error}`,
          { cause: err },
        );
      }
      await log.release(msg.key, error);
      metrics?.deliveryRetry?.(msg.platform, reason);
      const wait = err.retryAfterMs ?? Math.min(maxBackoffMs, backoffMs * 2 ** (claim.attempts - 1));
      throw new RetryLater(wait, `${msg.platform} rate limit: ${error}`);
    }
    if (ctx.final) {
      await dead(msg, reason, error);
    } else {
      await log.release(msg.key, error);
      metrics?.deliveryRetry?.(msg.platform, reason);
    }
    throw err;
  };

  return async (msg, ctx) => {
    const problem = invalid(msg);
    if (problem) throw new PermanentFailure(`Outbound job ${ctx.id} is not a valid message: ${problem}`);
    const deliverer = deliverers[msg.platform];
    if (!deliverer) {
      const error = `No deliverer for ${msg.platform} is configured`;
      await dead(msg, 'no_deliverer', error);
      throw new PermanentFailure(`${error}; message ${msg.key} dropped into the dead letters.`);
    }
    const claim = await log.claimSend(msg);
    if (claim.state === 'sent') {
      // Posted by an earlier try; its hook may not have finished (idempotent, so told again).
      await options.onSent?.(msg, claim.ref);
      return;
    }
    if (claim.state === 'busy')
      throw new RetryLater(claim.retryInMs, `message ${msg.key} is being sent by another attempt`);
    let ref: string;
    try {
      // Asked before the rate limit: freeing the key for a rate-limit wait forgets the doubt.
      const found = claim.uncertain && deliverer.lookup ? await deliverer.lookup(msg) : undefined;
      if (found) {
        ref = found.ref;
      } else {
        // The token is taken last, right before the post, so the platform sees the spacing we keep.
        try {
          await waitForTurn(msg);
        } catch (err) {
          await log.unclaim(msg.key);
          throw err;
        }
        ref = await post(deliverer, msg);
      }
    } catch (err) {
      if (err instanceof RetryLater) throw err;
      return fail(err, msg, ctx, claim);
    }
    // Not released when this throws: the claim keeps other attempts off until it lapses, and the
    // next one is then `uncertain` (asks `lookup` before posting again).
    await log.recordSent(msg.key, ref);
    metrics?.delivered?.(msg.platform);
    await options.onSent?.(msg, ref);
  };
}

function invalid(msg: OutboundMessage): string | undefined {
  if (!msg || typeof msg !== 'object') return 'not an object';
  if (typeof msg.key !== 'string' || msg.key === '') return 'key is missing';
  if (!PLATFORMS.includes(msg.platform)) return `unknown platform ${String(msg.platform)}`;
  if (typeof msg.channel !== 'string' || msg.channel === '') return 'channel is missing';
  if (!msg.body || typeof msg.body.text !== 'string') return 'body.text is missing';
  return undefined;
}

function describe(err: unknown): string {
  let text: string;
  if (err instanceof DeliveryError) {
    const parts = [err.status === undefined ? undefined : `HTTP ${err.status}`, err.code].filter(Boolean);
    text = `${parts.length ? `${parts.join(' ')}: ` : ''}${err.message}`;
  } else if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    text = `${err.name}${typeof code === 'string' ? ` ${code}` : ''}: ${err.message}`;
  } else {
    text = String(err);
  }
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}
