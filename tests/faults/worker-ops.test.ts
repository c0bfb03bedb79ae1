/**
 * `helpline worker` with HELPLINE_OPS_PORT serves /healthz, /readyz and /metrics: jobs run in the
 * worker, so its dead letters, delivery failures and SLA events are only visible there, and
 * Kubernetes probes it like the web process (deploy/k8s/worker.yaml).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { waitFor } from '../jobs/wait.ts';
import { claimRedisDb, createThrowawayDatabase, deferCleanups, describeServices } from './services.ts';
import { killAll, spawnWorker } from './worker-process.ts';

const defer = deferCleanups({ first: killAll });

describeServices('helpline worker ops endpoints', () => {
  it('answers /healthz, /readyz (db and redis) and /metrics on HELPLINE_OPS_PORT', async () => {
    const database = await createThrowawayDatabase();
    defer(() => database.drop());
    const redis = await claimRedisDb();
    defer(() => redis.release());
    const dataDir = mkdtempSync(join(tmpdir(), 'helpline-worker-ops-'));
    defer(async () => rmSync(dataDir, { recursive: true, force: true }));

    const worker = spawnWorker({
      REDIS_URL: redis.url,
      DATABASE_URL: database.url,
      HELPLINE_DATA: dataDir,
      HELPLINE_OPS_PORT: '0',
    });
    await worker.ready;
    const url = await waitFor(
      'the ops URL',
      () => /health and metrics at (http:\/\/\S+)\/metrics/.exec(worker.output())?.[1],
    );

    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { db: 'ok', redis: 'ok' } });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^# TYPE helpline_dead_letters_total counter$/m);
    expect(metrics).toMatch(/^helpline_queue_depth\{queue="inbound",state="waiting"\} \d+$/m);
  });
});
