/** The in-process runner's journal: what a restart finds after ends, retries, a torn write and rewrites. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobJournal } from '../../src/jobs/job-journal.ts';
import { resolveJob } from '../../src/jobs/job-policy.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function journalPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'helpline-journal-'));
  dirs.push(dir);
  return join(dir, 'data', 'jobs.journal');
}

const job = (id: string, extra: Record<string, unknown> = {}) =>
  resolveJob('inbound', { name: 'event', id, data: { text: `message ${id}` }, ...extra });

describe('JobJournal', () => {
  it('replays adds, retries and ends: only the open jobs come back, with their tries and due time', () => {
    const path = journalPath();
    const a = new JobJournal(path);
    expect(a.open()).toEqual([]);
    a.added('inbound', job('1'), 100);
    a.added('inbound', job('2', { group: 'g' }), 200);
    a.added('outbound', job('3'), 300);
    a.finished('inbound', '1');
    a.rescheduled({ queue: 'outbound', job: job('3'), dueAt: 900, failures: 2, retryLaters: 1 });
    a.close();

    const open = new JobJournal(path).open();
    expect(open.map((e) => [e.queue, e.job.id, e.dueAt, e.failures, e.retryLaters])).toEqual([
      ['inbound', '2', 200, 0, 0],
      ['outbound', '3', 900, 2, 1],
    ]);
    expect(open[0].job).toMatchObject({ name: 'event', group: 'g', data: { text: 'message 2' } });
  });

  it('skips a line torn by a crash mid-write and keeps the rest', () => {
    const path = journalPath();
    const a = new JobJournal(path);
    a.open();
    a.added('inbound', job('1'), 1);
    a.close();
    appendFileSync(path, '["a","inbound",{"id":"2","na');
    expect(new JobJournal(path).open().map((e) => e.job.id)).toEqual(['1']);
  });

  it('rewrites itself with the open jobs only, at open and when asked', () => {
    const path = journalPath();
    const a = new JobJournal(path);
    a.open();
    for (let i = 0; i < 50; i++) {
      a.added('inbound', job(String(i)), i);
      if (i % 10 !== 0) a.finished('inbound', String(i));
    }
    a.close();
    const b = new JobJournal(path);
    const open = b.open();
    expect(open.map((e) => e.job.id)).toEqual(['0', '10', '20', '30', '40']);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(5);
    expect(b.wantsRewrite(5)).toBe(false);
    b.close();
  });
});
