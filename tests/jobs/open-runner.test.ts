import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HelplineError } from '../../src/errors.ts';
import { openJobRunner } from '../../src/jobs/open-runner.ts';
import { deleteKeys, openTestRedis, REDIS_URL, randomPrefix, requireRedis } from './redis.ts';

const reachable = await requireRedis();
const journalPath = join(mkdtempSync(join(tmpdir(), 'helpline-open-runner-')), 'jobs.journal');

describe('openJobRunner', () => {
  it('opens the in-process runner without REDIS_URL', async () => {
    const runner = await openJobRunner({ journalPath });
    expect(runner.kind).toBe('in-process');
    await runner.close();
  });

  // Skipped only without Redis locally; requireRedis() fails under CI.
  it.skipIf(!reachable)('opens the BullMQ runner with REDIS_URL', async () => {
    const prefix = randomPrefix();
    const runner = await openJobRunner({ redisUrl: REDIS_URL, journalPath, prefix, onError: () => {} });
    expect(runner.kind).toBe('bullmq');
    await runner.close();
    const { redis, close } = await openTestRedis();
    await deleteKeys(redis, prefix);
    await close();
  });

  it('fails with REDIS_UNAVAILABLE naming REDIS_URL (password masked) when Redis does not answer', async () => {
    // A port that accepts nothing: bind one, note it, close it.
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    server.close();
    const started = Date.now();
    const err = await openJobRunner({
      redisUrl: `redis://:s3cret@127.0.0.1:${port}`,
      connectTimeoutMs: 500,
      journalPath,
      onError: () => {},
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelplineError);
    expect((err as HelplineError).code).toBe('REDIS_UNAVAILABLE');
    expect((err as HelplineError).message).toMatch(/REDIS_URL/);
    expect((err as HelplineError).message).not.toMatch(/s3cret/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
