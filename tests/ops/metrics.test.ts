import { describe, expect, it } from 'vitest';
import type { QueueCounts, QueueName } from '../../src/jobs/types.ts';
import { ACK_BUCKETS, createMetrics, jobRunnerEvents } from '../../src/ops/metrics.ts';

const counts = (waiting: number, active = 0, delayed = 0, failed = 0): QueueCounts => ({
  waiting,
  active,
  delayed,
  failed,
});

/** The value of one sample line `name{labels} value` in the text exposition. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('createMetrics', () => {
  it('exposes every counter with its labels in the text format', async () => {
    const m = createMetrics({ processMetrics: false });
    m.turns.inc({ outcome: 'answered' });
    m.turns.inc({ outcome: 'answered' });
    m.turns.inc({ outcome: 'ticketed' });
    m.tickets.inc({ severity: 'P1', category: 'payroll' });
    m.slaEvents.inc({ kind: 'breach', severity: 'P0' });
    m.deliveryFailures.inc({ platform: 'lark', reason: 'rate_limited' });
    m.deadLetters.inc({ queue: 'outbound' });
    m.webhookRejected.inc({ platform: 'slack', reason: 'signature' });
    m.turnFailures.inc({ reason: 'timeout' });
    m.eventsDeduplicated.inc({ platform: 'lark' }, 3);
    const text = await m.render();
    expect(sample(text, 'helpline_turns_total{outcome="answered"}')).toBe(2);
    expect(sample(text, 'helpline_turns_total{outcome="ticketed"}')).toBe(1);
    expect(sample(text, 'helpline_tickets_total{severity="P1",category="payroll"}')).toBe(1);
    expect(sample(text, 'helpline_sla_events_total{kind="breach",severity="P0"}')).toBe(1);
    expect(sample(text, 'helpline_delivery_failures_total{platform="lark",reason="rate_limited"}')).toBe(1);
    expect(sample(text, 'helpline_dead_letters_total{queue="outbound"}')).toBe(1);
    expect(sample(text, 'helpline_webhook_rejected_total{platform="slack",reason="signature"}')).toBe(1);
    expect(sample(text, 'helpline_turn_failures_total{reason="timeout"}')).toBe(1);
    expect(sample(text, 'helpline_events_deduplicated_total{platform="lark"}')).toBe(3);
    expect(text).toContain('# HELP helpline_turns_total ');
    expect(text).toContain('# TYPE helpline_turns_total counter');
  });

  it('starts the bounded outcome and failure series at 0, so rates work before the first event', async () => {
    const text = await createMetrics({ processMetrics: false }).render();
    for (const outcome of [
      'answered',
      'declined',
      'ticketed',
      'greeted',
      'fallback',
      'relayed',
      'prompted',
    ]) {
      expect(sample(text, `helpline_turns_total{outcome="${outcome}"}`)).toBe(0);
    }
    for (const reason of ['error', 'timeout', 'enqueue']) {
      expect(sample(text, `helpline_turn_failures_total{reason="${reason}"}`)).toBe(0);
    }
  });

  it('ack histogram has buckets between 1 ms and 100 ms, with the 50 ms target as an edge', async () => {
    const m = createMetrics({ processMetrics: false });
    m.ackSeconds.observe({ platform: 'slack' }, 0.004);
    m.ackSeconds.observe({ platform: 'slack' }, 0.04);
    m.ackSeconds.observe({ platform: 'slack' }, 0.2);
    const text = await m.render();
    expect(ACK_BUCKETS.filter((b) => b >= 0.001 && b <= 0.1).length).toBeGreaterThanOrEqual(7);
    expect(sample(text, 'helpline_ack_seconds_bucket{le="0.005",platform="slack"}')).toBe(1);
    expect(sample(text, 'helpline_ack_seconds_bucket{le="0.05",platform="slack"}')).toBe(2);
    expect(sample(text, 'helpline_ack_seconds_bucket{le="+Inf",platform="slack"}')).toBe(3);
    expect(sample(text, 'helpline_ack_seconds_count{platform="slack"}')).toBe(3);
    expect(text).toContain('# TYPE helpline_ack_seconds histogram');
  });

  it('a started timer observes elapsed seconds', async () => {
    const m = createMetrics({ processMetrics: false });
    const end = m.ackSeconds.startTimer({ platform: 'web' });
    const seconds = end();
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(sample(await m.render(), 'helpline_ack_seconds_count{platform="web"}')).toBe(1);
  });

  it('reads queue depths from counts() on every scrape', async () => {
    let waiting = 4;
    const m = createMetrics({
      processMetrics: false,
      counts: async () => ({ inbound: counts(waiting, 2, 1, 0), sla: counts(0, 0, 17, 1) }),
    });
    let text = await m.render();
    expect(sample(text, 'helpline_queue_depth{queue="inbound",state="waiting"}')).toBe(4);
    expect(sample(text, 'helpline_queue_depth{queue="inbound",state="active"}')).toBe(2);
    expect(sample(text, 'helpline_queue_depth{queue="sla",state="delayed"}')).toBe(17);
    expect(sample(text, 'helpline_queue_depth{queue="sla",state="failed"}')).toBe(1);
    waiting = 9;
    text = await m.render();
    expect(sample(text, 'helpline_queue_depth{queue="inbound",state="waiting"}')).toBe(9);
  });

  it('a failing or slow counts() leaves depths empty and counts the error; the scrape still answers', async () => {
    let mode: 'ok' | 'fail' | 'hang' = 'ok';
    const m = createMetrics({
      processMetrics: false,
      countsTimeoutMs: 50,
      counts: () => {
        if (mode === 'fail') return Promise.reject(new Error('connect ECONNREFUSED'));
        if (mode === 'hang') return new Promise(() => {});
        return Promise.resolve({ outbound: counts(3) } as Partial<Record<QueueName, QueueCounts>>);
      },
    });
    expect(sample(await m.render(), 'helpline_queue_depth{queue="outbound",state="waiting"}')).toBe(3);
    mode = 'fail';
    let text = await m.render();
    expect(sample(text, 'helpline_queue_depth{queue="outbound",state="waiting"}')).toBeUndefined();
    expect(sample(text, 'helpline_queue_depth_scrape_errors_total')).toBe(1);
    mode = 'hang';
    const started = performance.now();
    text = await m.render();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(sample(text, 'helpline_queue_depth_scrape_errors_total')).toBe(2);
  });

  it('watchQueues sets the source after creation (the runner may be built later)', async () => {
    const m = createMetrics({ processMetrics: false });
    expect(await m.render()).not.toContain('helpline_queue_depth{');
    m.watchQueues(async () => ({ maintenance: counts(1) }));
    expect(sample(await m.render(), 'helpline_queue_depth{queue="maintenance",state="waiting"}')).toBe(1);
  });

  it('jobRunnerEvents feed job seconds (from ms) and dead letters', async () => {
    const m = createMetrics({ processMetrics: false });
    const events = jobRunnerEvents(m);
    events.completed('inbound', 'turn', 250);
    events.dead({
      queue: 'outbound',
      name: 'deliver',
      id: 'j1',
      data: {},
      attempts: 5,
      error: 'x',
      at: '2026-01-01T00:00:00.000Z',
    });
    const text = await m.render();
    expect(sample(text, 'helpline_job_seconds_sum{queue="inbound",name="turn"}')).toBe(0.25);
    expect(sample(text, 'helpline_job_seconds_bucket{le="0.3",queue="inbound",name="turn"}')).toBe(1);
    expect(sample(text, 'helpline_dead_letters_total{queue="outbound"}')).toBe(1);
  });

  it('adds Node process metrics with the helpline_ prefix, one registry per createMetrics', async () => {
    const a = createMetrics();
    const b = createMetrics();
    const text = await a.render();
    expect(text).toMatch(/^helpline_process_resident_memory_bytes \d+/m);
    expect(text).toContain('helpline_nodejs_eventloop_lag_seconds');
    expect(text).not.toMatch(/^process_/m);
    a.turns.inc({ outcome: 'greeted' });
    expect(sample(await b.render(), 'helpline_turns_total{outcome="greeted"}')).toBe(0);
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('documents every metric with a HELP line', async () => {
    const text = await createMetrics({ processMetrics: false }).render();
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
    expect(names.sort()).toEqual(
      [
        'helpline_ack_seconds',
        'helpline_dead_letters_total',
        'helpline_delivery_failures_total',
        'helpline_events_deduplicated_total',
        'helpline_job_seconds',
        'helpline_queue_depth',
        'helpline_queue_depth_scrape_errors_total',
        'helpline_ready',
        'helpline_reply_seconds',
        'helpline_sla_events_total',
        'helpline_tickets_total',
        'helpline_turn_failures_total',
        'helpline_turns_total',
        'helpline_webhook_rejected_total',
      ].sort(),
    );
    for (const name of names) expect(text).toMatch(new RegExp(`^# HELP ${name} \\S.{10,}`, 'm'));
  });
});
