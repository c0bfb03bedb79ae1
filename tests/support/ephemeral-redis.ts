/**
 * A private redis-server on a free port that a test may kill and start again — with its data
 * (append-only file, fsync on every write: how a queue Redis should run) or without it (no
 * persistence: a Redis that comes back empty, as after a failover to a replica that had not caught
 * up, or an instance without a volume). The shared Redis on 6379 is never touched.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { redisReachable } from '../jobs/redis.ts';
import { waitFor } from '../jobs/wait.ts';

/**
 * Whether `redis-server` can be started for a private instance. Suites that need one are skipped
 * on a laptop without it, but CI fails them: the CI machine has it.
 */
export function redisServerInstalled(): boolean {
  const installed = spawnSync('redis-server', ['--version']).status === 0;
  if (!installed && process.env.CI)
    throw new Error('redis-server is required in CI (apt-get install redis-server)');
  return installed;
}

/** A TCP port nothing listens on right now (for a child process to take). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export class EphemeralRedis {
  readonly url: string;
  readonly #port: number;
  readonly #dir = mkdtempSync(join(tmpdir(), 'helpline-fault-redis-'));
  readonly #persistent: boolean;
  #process?: ChildProcess;

  private constructor(port: number, persistent: boolean) {
    this.#port = port;
    this.#persistent = persistent;
    this.url = `redis://127.0.0.1:${port}`;
  }

  /** `persistent`: AOF with fsync always; otherwise nothing survives a kill. */
  static async start(options: { persistent: boolean }): Promise<EphemeralRedis> {
    const redis = new EphemeralRedis(await freePort(), options.persistent);
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    const persistence = this.#persistent
      ? ['--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no'];
    const args = ['--port', String(this.#port), '--bind', '127.0.0.1', '--save', '', ...persistence];
    this.#process = spawn('redis-server', [...args, '--dir', this.#dir], { stdio: 'ignore' });
    await waitFor(`redis-server on port ${this.#port}`, () => redisReachable(this.url, 200), 5000);
  }

  get running(): boolean {
    const child = this.#process;
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  async set(key: string, value: string): Promise<void> {
    await this.#command((redis) => redis.set(key, value));
  }

  async get(key: string): Promise<string | null> {
    return this.#command((redis) => redis.get(key));
  }

  async #command<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new Redis(this.url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    try {
      return await fn(redis);
    } finally {
      redis.disconnect();
    }
  }

  /** SIGKILL: no shutdown save; with persistence only the append-only file survives. */
  async kill(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
