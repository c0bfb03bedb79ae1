/**
 * Reads of a sensitive ticket are audited once per page view, and a read is not a change (DESIGN
 * §7): the console's ticket page loads a ticket in five calls and reloads at every change its live
 * stream reports. When each call wrote a 'viewed' row and the stream reported that row as a change,
 * an open page reloaded about once a second forever, writing more rows each time. On PGlite and
 * PostgreSQL: the store's rule (one row per page view, none again by the same person within
 * REPEAT_VIEW_MS, one row for reads at once), then the whole app (the stream stays quiet on reads).
 */
import { expect, it } from 'vitest';
import type { AccessRole } from '../../src/access/policy.ts';
import { auditRead, REPEAT_VIEW_MS } from '../../src/tickets/readable-ticket.ts';
import { createTicketService } from '../../src/tickets/ticket-service.ts';
import type { Ticket } from '../../src/tickets/types.ts';
import { eachBackend } from '../store/backends.ts';
import { asUser, openReport } from '../support/console-api.ts';
import { fakeSla } from '../tickets/fakes.ts';
import { makeApp } from '../web/fake-assistant.ts';

const T0 = new Date('2026-11-23T02:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const hr = { userId: 'hr-1', role: 'hr_admin', aliases: ['hr-1'] } as never;
const admin = { userId: 'root', role: 'admin', aliases: ['root'] } as never;

eachBackend('auditing reads of a sensitive ticket', (ctx) => {
  const setUp = async () => {
    let now = T0;
    const tickets = createTicketService({ db: await ctx.fresh(), now: () => now, sla: fakeSla() });
    const ticket = await tickets.open({
      title: 'Payslips missing overtime',
      severity: 'P1',
      category: 'payroll',
      intent: 'incident',
      rationale: 'payroll',
      requesterId: 'emp-a',
      threadId: 'w1',
    });
    const deps = { tickets, now: () => now };
    const read = (who: never, view?: string) => auditRead(deps, ticket, who, 'read', { path: '/x' }, view);
    const viewed = async () =>
      (await tickets.events(ticket.id)).filter((e) => e.action === 'viewed').map((e) => e.actor);
    return { read, viewed, at: (t: Date) => (now = t) };
  };

  it('writes one row for the reads of one page load made at once, none for its later refreshes', async () => {
    const { read, viewed, at } = await setUp();
    const wrote = await Promise.all(Array.from({ length: 5 }, () => read(hr, 'page-view-1')));
    expect(wrote.filter(Boolean)).toHaveLength(1);
    // The page stays open: its background refreshes an hour later are the same page view.
    at(minutes(60));
    expect(await read(hr, 'page-view-1')).toBe(false);
    expect(await viewed()).toEqual(['hr-1']);
    // A new page load is a new view; another person's read is theirs.
    expect(await read(hr, 'page-view-2')).toBe(true);
    expect(await read(admin, 'page-view-9')).toBe(true);
    expect(await viewed()).toEqual(['hr-1', 'hr-1', 'root']);
  });

  it('counts reads without a page view (scripts, the incidents pages) once per person within a few minutes', async () => {
    const { read, viewed, at } = await setUp();
    expect(await read(hr)).toBe(true);
    at(new Date(T0.getTime() + REPEAT_VIEW_MS - 1000));
    expect(await read(hr)).toBe(false);
    // A page loaded meanwhile is not recorded again either: the person read it moments ago.
    expect(await read(hr, 'page-view-1')).toBe(false);
    at(new Date(T0.getTime() + REPEAT_VIEW_MS + 1000));
    expect(await read(hr)).toBe(true);
    expect(await viewed()).toEqual(['hr-1', 'hr-1']);
  });
});

/** The server-sent events of a stream, read in the background. */
function follow(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let done = false;
  void (async () => {
    while (!done) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
  })();
  const changes = () => [...text.matchAll(/event: change\ndata: (\d+)/g)].map((m) => Number(m[1]));
  return {
    changes,
    async next(count: number, withinMs: number) {
      const end = Date.now() + withinMs;
      while (changes().length < count && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      return changes();
    },
    async stop() {
      done = true;
      await reader.cancel().catch(() => {});
    },
  };
}

eachBackend('the console’s ticket page on a sensitive ticket', (ctx) => {
  const PAGE = (n: string) => [
    `/api/tickets/${n}`,
    `/api/tickets/${n}/events`,
    `/api/tickets/${n}/conversation`,
    `/api/tickets/${n}/clocks`,
    `/api/tickets/${n}/incident`,
  ];

  const setUp = async () => {
    const t = await makeApp({ db: await ctx.fresh() });
    const { ticket } = await openReport(t, 'emp-a', '30 payslips are missing overtime pay this month', {
      category: 'payroll',
      severity: 'P1',
    });
    const as = async (userId: string, role: AccessRole, view?: string) => {
      const who = await asUser(t, userId, role);
      return {
        ...who,
        // As the page calls: its page view's id on every call.
        load: async (n: string) => {
          const token = (await t.access.tokens.create({ userId, role })).token;
          const headers: Record<string, string> = { authorization: `Bearer ${token}` };
          if (view) headers['x-helpline-view'] = view;
          const statuses = await Promise.all(
            PAGE(n).map(async (path) => (await t.app.request(path, { headers })).status),
          );
          expect(statuses).toEqual([200, 200, 200, 200, 200]);
        },
      };
    };
    const viewed = async (x: Ticket = ticket) =>
      (await t.runtime.tickets.events(x.id)).filter((e) => e.action === 'viewed').map((e) => e.actor);
    return { t, ticket, as, viewed };
  };

  it('audits a page load once, and its refreshes not at all', async () => {
    const { ticket, as, viewed } = await setUp();
    const page = await as('hr-1', 'hr_admin', 'a5c6f0e2-0d1b-4c55-9f0e-0a1b2c3d4e5f');
    await page.load(ticket.number);
    expect(await viewed()).toEqual(['hr-1']);
    for (let i = 0; i < 3; i++) await page.load(ticket.number);
    expect(await viewed()).toEqual(['hr-1']);
    // The requester reading their own ticket is not audited.
    const own = await as('emp-a', 'employee', '0f1e2d3c-4b5a-4697-8887-766554433221');
    await own.load(ticket.number);
    expect(await viewed()).toEqual(['hr-1']);
  });

  it('a read is not a change: the live stream stays quiet while the page reads, and moves on a real change', async () => {
    const { ticket, as, viewed } = await setUp();
    const hrPage = await as('hr-1', 'hr_admin', '11111111-2222-4333-8444-555555555555');
    const stream = follow(await hrPage.get('/api/console/stream'));
    try {
      const [first] = await stream.next(1, 10_000);
      expect(first).toBeGreaterThan(0);
      // What the page does on a change: it loads the ticket again. Other readers (another page
      // view, another person) write 'viewed' rows too. None of it is a change.
      await hrPage.load(ticket.number);
      await (await as('root', 'admin', '66666666-7777-4888-9999-000000000000')).load(ticket.number);
      expect(await viewed()).toEqual(['hr-1', 'root']);
      // The stream looks once a second: well past two looks, still the first mark only.
      await new Promise((r) => setTimeout(r, 2500));
      expect(stream.changes()).toEqual([first]);

      // A real change is one.
      expect(
        (await hrPage.post(`/api/tickets/${ticket.number}/note`, { text: 'checking the run' })).status,
      ).toBe(200);
      const after = await stream.next(2, 10_000);
      expect(after).toHaveLength(2);
      expect(after[1]).toBeGreaterThan(first);
    } finally {
      await stream.stop();
    }
  }, 30_000);
});
