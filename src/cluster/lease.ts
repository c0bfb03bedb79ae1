/**
 * One holder among many processes (issue 15 item 2): a Redis key `helpline:lease:<name>` set with
 * NX and a TTL, renewed by its holder and taken over by another process when the holder stops
 * renewing (it died, or lost Redis). Used for what must run in one place at a time: the Lark long
 * connection (Lark hands each event to one of the app's connections, so two would split the
 * traffic with no coordination) and the recovery passes.
 *
 * Concurrency rules:
 * - The key holds a random token; renewing and releasing compare it first (one Lua script each),
 *   so a process never extends or deletes a lease another process took over.
 * - A holder that cannot renew (Redis down) gives the lease up locally once a full TTL minus one
 *   period has passed since its last successful renewal: by the time the key expires in Redis and
 *   another process can take it, this one has stopped.
 * - A Redis that comes back empty (no persistence) lost the key: the holder's next renewal sets it
 *   again, so the work does not move needlessly.
 * Takeover after a SIGKILL takes at most TTL + one period.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export interface Lease {
  /** Whether this process holds the lease now. */
  held(): boolean;
  /** Starts competing; resolves after the first attempt (true when this process got the lease). */
  start(): Promise<boolean>;
  /** Stops competing and releases the lease if held, so another process takes over at once. */
  stop(): Promise<void>;
}

export interface RedisLeaseOptions {
  /** REDIS_URL; the lease opens its own connection (commands fail fast while it is down). */
  redisUrl: string;
  /** What is held, e.g. `lark-ws:cli_…` or `recovery`. */
  name: string;
  /** How long the key lives without renewal. @defaultValue 10000 */
  ttlMs?: number;
  /** How often the holder renews and the others try. @defaultValue ttlMs / 3 */
  everyMs?: number;
  /** This process got the lease (at start or by takeover); awaited before the next renewal. */
  onAcquired?: () => void | Promise<void>;
  /** This process lost or gave up the lease: stop the work now. */
  onLost?: () => void | Promise<void>;
  /** Redis failures and callback errors; the lease keeps trying. */
  onError?: (err: unknown) => void;
}

export const LEASE_PREFIX = 'helpline:lease:';

// 1: still ours (renewed, or set again after Redis lost it); 0: someone else holds it.
const RENEW = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export function redisLease(options: RedisLeaseOptions): Lease {
  const ttlMs = options.ttlMs ?? 10_000;
  const everyMs = options.everyMs ?? Math.max(1, Math.floor(ttlMs / 3));
  const key = `${LEASE_PREFIX}${options.name}`;
  const token = randomUUID();
  const onError = options.onError ?? (() => {});
  let redis: Redis | undefined;
  let holding = false;
  let lastRenewed = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let ticking: Promise<void> = Promise.resolve();

  const call = async (fn: () => unknown | Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      onError(err);
    }
  };

  const tick = async (): Promise<void> => {
    const startedAt = Date.now();
    try {
      if (holding) {
        const ours = await redis!.eval(RENEW, 1, key, token, String(ttlMs));
        if (ours === 1) lastRenewed = startedAt;
        else await lose();
      } else if ((await redis!.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') {
        holding = true;
        lastRenewed = startedAt;
        await call(() => options.onAcquired?.());
      }
    } catch (err) {
      onError(err);
      // Unproven for almost a TTL: the key may expire and another process take it; stop first.
      if (holding && Date.now() - lastRenewed >= ttlMs - everyMs) await lose();
    }
  };

  const lose = async () => {
    holding = false;
    await call(() => options.onLost?.());
  };

  const loop = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      ticking = tick().finally(loop);
    }, everyMs);
    timer.unref?.();
  };

  return {
    held: () => holding,
    async start() {
      redis ??= new Redis(options.redisUrl, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        lazyConnect: true,
      });
      redis.on('error', () => {});
      await redis.connect().catch(onError);
      ticking = tick();
      await ticking;
      loop();
      return holding;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await ticking.catch(() => {});
      if (holding) {
        holding = false;
        await call(() => options.onLost?.());
        await redis?.eval(RELEASE, 1, key, token).catch(onError);
      }
      redis?.disconnect();
      redis = undefined;
    },
  };
}
