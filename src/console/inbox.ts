/**
 * The console's inbox (issue 14): which queues a ticket is in and the order engineers work them —
 * by the SLA deadline that is running now (first response until the claim, then resolution);
 * tickets with no running clock (paused while waiting on the employee, or finished) come last.
 * Pure over the API's ticket view, so the page and the tests see the same answer.
 */
import type { Principal } from '../access/policy.ts';
import type { TicketView } from '../server/tickets-api.ts';

export const QUEUES = ['unclaimed', 'mine', 'breaching', 'breached', 'waiting'] as const;
export type Queue = (typeof QUEUES)[number];

/** "Breaching" means a running clock is due within this long. */
export const BREACHING_WITHIN_MS = 3600_000;

const OPEN = new Set(['new', 'waiting_l2', 'claimed', 'waiting_employee']);

type Clock = NonNullable<TicketView['sla']['firstResponse']>;

/** The clock that is counting now, or undefined. */
export function activeClock(t: TicketView): Clock | undefined {
  const counting = (c: Clock | null) => c && (c.state === 'running' || c.state === 'warning') && c.dueAt;
  const first = t.sla.firstResponse;
  if (counting(first)) return first ?? undefined;
  const resolution = t.sla.resolution;
  return counting(resolution) ? (resolution ?? undefined) : undefined;
}

/** The deadline the inbox sorts by (ms since epoch), or Infinity. */
export function deadlineOf(t: TicketView): number {
  const due = activeClock(t)?.dueAt;
  return due ? Date.parse(due) : Number.POSITIVE_INFINITY;
}

export function queuesOf(t: TicketView, p: Principal, now: Date): Queue[] {
  if (!OPEN.has(t.status)) return [];
  const out: Queue[] = [];
  if (!t.assigneeId && (t.status === 'new' || t.status === 'waiting_l2')) out.push('unclaimed');
  const mine =
    p.role === 'employee' ? p.aliases.includes(t.requesterId) : p.aliases.includes(t.assigneeId ?? '');
  if (mine) out.push('mine');
  const clocks = [t.sla.firstResponse, t.sla.resolution];
  const breached = clocks.some(
    (c) => c && (c.state === 'breached' || (c.breachedAt && c.state !== 'stopped')),
  );
  if (breached) out.push('breached');
  const due = deadlineOf(t);
  if (!breached && due - now.getTime() <= BREACHING_WITHIN_MS) out.push('breaching');
  if (t.status === 'waiting_employee') out.push('waiting');
  return out;
}

export interface InboxEntry extends TicketView {
  queues: Queue[];
  deadline: string | null;
  platform: string;
}

export function sortByDeadline<T extends TicketView>(tickets: T[]): T[] {
  return [...tickets].sort((a, b) => deadlineOf(a) - deadlineOf(b) || a.createdAt.localeCompare(b.createdAt));
}

export function countQueues(entries: readonly InboxEntry[]): Record<Queue | 'all', number> {
  const counts = { all: entries.length } as Record<Queue | 'all', number>;
  for (const q of QUEUES) counts[q] = entries.filter((e) => e.queues.includes(q)).length;
  return counts;
}
