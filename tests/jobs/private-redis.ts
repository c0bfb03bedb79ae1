/**
 * A private redis-server on a free port, for tests that stop and restart Redis (the shared one on
 * 6379 serves other suites running in parallel). AOF with fsync on every write, so a restart keeps
 * what was acknowledged — as a production Redis for queues should be configured.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisReachable } from './redis.ts';
import { waitFor } from './wait.ts';

export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export class PrivateRedis {
  readonly url: string;
  readonly #port: number;
  readonly #dir = mkdtempSync(join(tmpdir(), 'helpline-redis-'));
  #process?: ChildProcess;

  private constructor(port: number) {
    this.#port = port;
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.#port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes'];
    this.#process = spawn('redis-server', [...args, '--appendfsync', 'always', '--dir', this.#dir], {
      stdio: 'ignore',
    });
    await waitFor(`redis-server on port ${this.#port}`, () => redisReachable(this.url, 200), 5000);
  }

  /** Kills the server outright (no shutdown save): only the AOF survives. */
  async kill(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
