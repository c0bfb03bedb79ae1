/**
 * Backup and restore drill (issue 15 item 4) on both databases: a backup taken while the service
 * writes restores into an empty database with every table's row count and checksum equal; the
 * restored instance lists the same tickets, continues the ticket numbers, and keeps the SLA
 * deadlines (its timers are rebuilt from the restored clocks and fire on time). Damaged files and
 * non-empty targets are refused, with nothing restored.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { accessStores } from '../../src/access/stores.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import { restoreBackup, tableChecksums, writeBackup } from '../../src/store/backup.ts';
import type { Database } from '../../src/store/database.ts';
import { emptyKb, silent } from '../faults/web.ts';
import { waitFor } from '../jobs/wait.ts';
import { openInput } from '../tickets/helpers.ts';
import { eachBackend } from './backends.ts';

const dir = mkdtempSync(join(tmpdir(), 'helpline-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `backup-${n++}.jsonl`);

// P0: first response in 4 s on the 24x7 calendar, so a deadline falls due during the test.
const FIRST_RESPONSE_MS = 4000;
const configIn = (data: string) =>
  loadConfig({
    env: { HELPLINE_DATA: data },
    overrides: {
      'sla.policy': {
        P0: { firstResponseMinutes: FIRST_RESPONSE_MS / 60_000, resolutionMinutes: 60, calendar: '24x7' },
      },
    },
  });
const config = configIn(dir);

const runtimes: Runtime[] = [];
afterAll(async () => {
  for (const r of runtimes) await r.close().catch(() => {});
});

async function runtimeOn(db: Database, workers = false): Promise<Runtime> {
  const runtime = await createRuntime({
    config: configIn(mkdtempSync(join(dir, 'data-'))),
    opened: emptyKb(),
    logger: silent(),
    db,
    recovery: { everyMs: 60_000 },
  });
  // Closing the runtime would close the test's database: the backends close it themselves.
  runtimes.push({ ...runtime, close: async () => runtime.runner.close() } as Runtime);
  if (workers) await runtime.startWorkers();
  return runtime;
}

/** Some of everything: threads and messages (CJK, emoji), tickets with clocks and events, tokens. */
async function populate(runtime: Runtime, db: Database) {
  for (let i = 0; i < 3; i++) {
    const thread = await runtime.store.createThread(`emp${i}`);
    await runtime.store.addMessage(thread, { author: 'user', text: `打卡系统进不去 ${i} 😀 "quoted"\n` });
    await runtime.store.addMessage(thread, {
      author: 'bot',
      text: 'answer',
      citations: [{ n: 1, source: 'kb/leave.md', title: 'Leave', heading: 'Annual' }],
    });
  }
  const p1 = await runtime.tickets.open(openInput({ severity: 'P1' }));
  await runtime.tickets.claim(p1.id, 'eng1');
  const p0 = await runtime.tickets.open(openInput({ severity: 'P0', title: '全员无法登录' }));
  const child = await runtime.tickets.open(openInput({ severity: 'P2' }));
  await runtime.tickets.linkToParent(child.id, p0.id, 'bot');
  const tokens = accessStores(db, config).tokens;
  const admin = await tokens.create({ userId: 'root', role: 'admin' });
  return { p0, p1, child, admin };
}

eachBackend('backup and restore', (ctx) => {
  it('restores every table exactly; the restored instance lists the same tickets and keeps its SLA deadlines', async () => {
    const source = await ctx.fresh();
    const a = await runtimeOn(source);
    const { p0, admin } = await populate(a, source);
    const out = file();
    const summary = await writeBackup(source, out);
    expect(summary.tables.tickets.rows).toBe(3);
    expect(summary.tables.messages.rows).toBe(6);
    expect(summary.tables.api_tokens.rows).toBe(1);

    const target = await ctx.fresh();
    const restored = await restoreBackup(target, out);
    expect(restored.tables).toEqual(summary.tables);
    // The drill: every table of the restored database has the source's row count and checksum.
    expect(await tableChecksums(target)).toEqual(await tableChecksums(source));

    // A restored instance: same tickets, the admin token still works, numbering continues.
    const b = await runtimeOn(target, true);
    const list = (t: Runtime) =>
      t.tickets
        .list({})
        .then((ts) => ts.map((x) => [x.number, x.status, x.severity, x.parentId ?? null]).sort());
    expect(await list(b)).toEqual(await list(a));
    expect(await accessStores(target, config).tokens.verify(admin.token)).toMatchObject({
      userId: 'root',
      role: 'admin',
    });
    const next = await b.tickets.open(openInput());
    expect(next.number).toBe('HL-1004');

    // Timers rebuilt from the restored clocks: the P0 first response breaches at its deadline.
    const clock = (await b.tickets.get(p0.id)).clocks.find((c) => c.kind === 'first_response')!;
    const deadline = Date.parse(clock.startedAt) + clock.budgetMs;
    expect(deadline).toBeGreaterThan(Date.now());
    const breach = await waitFor(
      'the P0 breach on the restored instance',
      async () => (await b.tickets.events(p0.id)).find((e) => e.action === 'sla_breached'),
      FIRST_RESPONSE_MS + 5000,
    );
    expect(Date.parse(breach.at)).toBeGreaterThanOrEqual(deadline);
    expect(Date.parse(breach.at) - deadline).toBeLessThan(2000);
  }, 60_000);

  it('a backup taken while messages keep arriving is one consistent snapshot', async () => {
    const source = await ctx.fresh();
    const a = await runtimeOn(source);
    await populate(a, source);
    const thread = await a.store.createThread('busy');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await a.store.addMessage(thread, { author: 'user', text: `m${written}` });
        written += 1;
      }
    })();
    const summaries = [];
    for (let i = 0; i < 3; i++) summaries.push(await writeBackup(source, file()));
    writing = false;
    await writer;
    expect(written).toBeGreaterThan(0);
    const last = summaries.at(-1)!;
    const target = await ctx.fresh();
    await restoreBackup(target, last.file);
    expect(await tableChecksums(target)).toEqual(last.tables);
  }, 60_000);

  it('refuses a non-empty database, a damaged file and a truncated one, restoring nothing', async () => {
    const source = await ctx.fresh();
    await populate(await runtimeOn(source), source);
    const good = file();
    await writeBackup(source, good);
    await expect(restoreBackup(source, good)).rejects.toMatchObject({ code: 'USAGE' });

    const lines = readFileSync(good, 'utf8').split('\n');
    const damaged = file();
    const row = lines.findIndex((l) => l.includes('全员无法登录'));
    writeFileSync(damaged, lines.map((l, i) => (i === row ? l.replace('全员', '部分') : l)).join('\n'));
    const target = await ctx.fresh();
    await expect(restoreBackup(target, damaged)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const truncated = file();
    writeFileSync(truncated, lines.slice(0, -3).join('\n'));
    await expect(restoreBackup(target, truncated)).rejects.toThrow(/cut short/);
    expect(Object.values(await tableChecksums(target)).every((t) => t.rows === 0)).toBe(true);
    // And the good file still restores into it afterwards.
    await restoreBackup(target, good);
    expect(await tableChecksums(target)).toEqual(await tableChecksums(source));
  }, 60_000);
});
