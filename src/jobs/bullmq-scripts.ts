/**
 * Lua scripts for grouped jobs and dead letters. Each change to a group runs as one script so
 * producers, pumps and remove() never see half an update; lock-guarded scripts check the caller's
 * token so a worker whose lock expired cannot pop another worker's item.
 */
import type { RedisClient } from 'bullmq';

const SCRIPTS = {
  /** KEYS id, items, size, index · ARGV item, ttlMs, group → 1 added, 0 duplicate id */
  hlGroupPush: {
    keys: 4,
    lua: `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('INCR', KEYS[3])
redis.call('SADD', KEYS[4], ARGV[3])
return 1`,
  },
  /** KEYS lock · ARGV token, ttlMs → 0 acquired, else ms until the holder's lock expires */
  hlLockAcquire: {
    keys: 1,
    lua: `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 1 then return 1 end
return ttl`,
  },
  /** KEYS lock · ARGV token, ttlMs → 1 renewed, 0 lost */
  hlLockRenew: {
    keys: 1,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`,
  },
  /** KEYS lock · ARGV token → 1 released, 0 not ours */
  hlLockRelease: {
    keys: 1,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`,
  },
  /**
   * Releases the lock only if the group is empty, atomically with respect to pushes: an item pushed
   * before this runs is seen (0: keep going), one pushed after finds the lock free.
   * KEYS lock, items, index, tries · ARGV token, group → 1 released, 0 items left, -1 lock lost
   */
  hlGroupReleaseIfEmpty: {
    keys: 4,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('LLEN', KEYS[2]) > 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('SREM', KEYS[3], ARGV[2])
return 1`,
  },
  /** KEYS tries · ARGV id → counts a start, so starts without an outcome reveal crashed workers */
  hlGroupCountStart: {
    keys: 1,
    lua: `return redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|started', 1)`,
  },
  /** KEYS tries · ARGV id, field ('made' | 'later'), dueAt → records a failed or deferred try */
  hlGroupRecordTry: {
    keys: 1,
    lua: `
redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 1)
redis.call('HSET', KEYS[1], ARGV[1] .. '|at', ARGV[3])
return 1`,
  },
  /**
   * Pops the head after it finished (done or dead-lettered) and frees its id.
   * KEYS lock, items, size, tries, id · ARGV token, item, id → 1 popped, 0 head changed, -1 lock lost
   */
  hlGroupPop: {
    keys: 5,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[2] then return 0 end
redis.call('LPOP', KEYS[2])
redis.call('DECR', KEYS[3])
local id = ARGV[3]
redis.call('HDEL', KEYS[4], id .. '|made', id .. '|later', id .. '|at', id .. '|started')
if redis.call('GET', KEYS[5]) == ARGV[2] then redis.call('DEL', KEYS[5]) end
return 1`,
  },
  /**
   * Removes a pending grouped item; refuses the head while a pump holds the lock (it may be running).
   * KEYS id, items, lock, size, index, tries · ARGV item, group, id → 1 removed, 0 absent, -1 running
   */
  hlGroupRemove: {
    keys: 6,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('LINDEX', KEYS[2], 0) == ARGV[1] and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local removed = redis.call('LREM', KEYS[2], 1, ARGV[1])
if removed > 0 then redis.call('DECR', KEYS[4]) end
local id = ARGV[3]
redis.call('HDEL', KEYS[6], id .. '|made', id .. '|later', id .. '|at', id .. '|started')
redis.call('DEL', KEYS[1])
if redis.call('LLEN', KEYS[2]) == 0 then redis.call('SREM', KEYS[5], ARGV[2]) end
return removed`,
  },
  /** KEYS dead · ARGV letter, max → keeps the newest `max` dead letters */
  hlDeadLetter: {
    keys: 1,
    lua: `
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
return 1`,
  },
} as const;

export type ScriptName = keyof typeof SCRIPTS;

const defined = new WeakSet<object>();

/** Runs one of our scripts on `client`, defining them on first use (ioredis caches by SHA). */
export async function runScript(
  client: RedisClient,
  name: ScriptName,
  keys: string[],
  args: Array<string | number>,
) {
  if (!defined.has(client)) {
    for (const [scriptName, script] of Object.entries(SCRIPTS)) {
      client.defineCommand(scriptName, { numberOfKeys: script.keys, lua: script.lua });
    }
    defined.add(client);
  }
  return client.runCommand(name, [...keys, ...args.map(String)]);
}
