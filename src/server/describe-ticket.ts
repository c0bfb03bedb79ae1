/**
 * What a triage card needs beyond the ticket (DESIGN §2 flow 5): the employee's profile from their
 * platform's user API and the SLA target as a time people read.
 */
import { formatDue } from '../assistant/ticket-replies.ts';
import { type CardExtras, employeeLang } from '../handoff/actions.ts';
import type { ProfileSource } from '../inbound/ports.ts';
import type { Lang } from '../knowledge/types.ts';
import { dueIso } from '../sla/ops.ts';
import type { CalendarSet } from '../sla/types.ts';
import type { Ticket } from '../tickets/types.ts';

export interface DescribeDeps {
  profiles: (platform: string) => ProfileSource | undefined;
  calendars: CalendarSet;
  triageLang?: Lang;
}

export async function describeTicket(ticket: Ticket, deps: DescribeDeps): Promise<CardExtras> {
  const lang = deps.triageLang ?? employeeLang(ticket);
  const [platform, ...rest] = ticket.requesterId.split(':');
  const source = rest.length ? deps.profiles(platform) : undefined;
  const profile = source ? await source.profile(rest.join(':')).catch(() => undefined) : undefined;
  // Before the claim the first response is what is due; after it, the resolution.
  const kind = ticket.assigneeId ? 'resolution' : 'first_response';
  const clock = ticket.clocks.find((c) => c.kind === kind && !c.stoppedAt);
  const due = clock ? formatDue(dueIso(clock, deps.calendars), lang) : '';
  return { ...(profile ? { profile } : {}), ...(due ? { dueText: due } : {}) };
}
