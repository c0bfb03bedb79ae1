import { describe, expect, it } from 'vitest';
import { queuesOf } from '../../src/console/inbox.ts';
import { figures, percentile } from '../../src/console/kpis.ts';
import type { TicketView } from '../../src/server/tickets-api.ts';
import type { Ticket } from '../../src/tickets/types.ts';

const clock = (
  kind: 'first_response' | 'resolution',
  stoppedAt: string | null,
  breachedAt: string | null = null,
) => ({ kind, stoppedAt, breachedAt }) as Ticket['clocks'][number];

const ticket = (over: Partial<Ticket>): Ticket =>
  ({
    id: 'x',
    createdAt: '2026-01-05T00:00:00.000Z',
    resolvedAt: null,
    csat: null,
    clocks: [],
    threadId: 't1',
    ...over,
  }) as Ticket;

describe('KPI figures', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });

  it('measures first response, MTTR, attainment, CSAT and reopen rate', () => {
    const f = figures(
      [
        ticket({
          id: 'a',
          clocks: [
            clock('first_response', '2026-01-05T00:10:00.000Z'),
            clock('resolution', '2026-01-05T02:00:00.000Z'),
          ],
          resolvedAt: '2026-01-05T02:00:00.000Z',
          csat: 4,
        }),
        ticket({
          id: 'b',
          clocks: [clock('first_response', '2026-01-05T03:00:00.000Z', '2026-01-05T01:00:00.000Z')],
        }),
      ],
      new Set(['a']),
    );
    expect(f.firstResponse).toEqual({ count: 2, p50Ms: 10 * 60_000, p90Ms: 3 * 3600_000 });
    expect(f.mttr).toEqual({ count: 1, p50Ms: 2 * 3600_000, p90Ms: 2 * 3600_000 });
    expect(f.slaAttainment).toEqual({ firstResponse: 0.5, resolution: 1, finished: 3 });
    expect(f.csat).toEqual({ average: 4, ratings: 1 });
    expect(f.reopenRate).toBe(1);
  });
});

describe('inbox queues', () => {
  const view = (over: Partial<TicketView>): TicketView =>
    ({
      status: 'waiting_l2',
      assigneeId: null,
      requesterId: 'emp-a',
      sla: {
        firstResponse: { state: 'running', dueAt: '2026-01-05T00:30:00.000Z', breachedAt: null },
        resolution: null,
      },
      ...over,
    }) as TicketView;
  const eng = { userId: 'eng-1', role: 'l2' as const, aliases: ['eng-1'] };
  const now = new Date('2026-01-05T00:00:00.000Z');

  it('puts an unclaimed ticket due within the hour in unclaimed and breaching', () => {
    expect(queuesOf(view({}), eng, now)).toEqual(['unclaimed', 'breaching']);
  });
  it('puts a held, breached ticket in mine and breached; a closed one nowhere', () => {
    const late = view({
      status: 'claimed',
      assigneeId: 'eng-1',
      sla: {
        firstResponse: null,
        resolution: {
          state: 'breached',
          dueAt: '2026-01-04T00:00:00.000Z',
          breachedAt: '2026-01-04T00:00:00.000Z',
        },
      } as TicketView['sla'],
    });
    expect(queuesOf(late, eng, now)).toEqual(['mine', 'breached']);
    expect(queuesOf(view({ status: 'closed' }), eng, now)).toEqual([]);
  });
});
