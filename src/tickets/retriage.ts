/**
 * Re-triage from the conversation (DESIGN §2 flow 3, §3): a later message in a ticket's thread —
 * or from another reporter of the same incident — that adds scope ("Shenzhen too", "now 50
 * people", "it's everyone") is classified again with the thread's earlier words, and the open
 * ticket (the parent incident, for a joined report) is raised when that reads more severe. The
 * ticket service records the reason, retargets the clocks and tells its listeners (SLA timers,
 * the triage card). Lowering stays a human decision: raiseSeverity never lowers.
 */
import type { Severity } from '../sla/types.ts';
import { severityRank, type TriageInput, type TriageResult } from '../triage/types.ts';
import type { TicketService } from './ticket-service.ts';
import type { Ticket } from './types.ts';

/** The audit log's actor for changes Helpline makes by itself. */
export const HELPLINE_ACTOR = 'helpline';

export interface RetriageDeps {
  tickets: Pick<TicketService, 'get' | 'raiseSeverity' | 'events'>;
  classify: (input: TriageInput) => TriageResult | Promise<TriageResult>;
}

export interface RetriageInput {
  /** The open ticket of the thread the message came in. */
  ticket: Ticket;
  /**
   * The user messages of the ticket's own part of the thread (never another ticket's), oldest first,
   * the new one last.
   */
  userMessages: string[];
  /** The role of whoever wrote them. */
  role?: string;
  /**
   * The new message's id: recorded on the raise, so a retried job that finds the ticket raised
   * already by this very message tells the employee again (same delivery key) instead of nothing.
   */
  messageId?: string;
}

export interface Raised {
  /** The ticket raised (the parent incident for a joined report), as stored after the raise. */
  ticket: Ticket;
  from: Severity;
  reason: string;
}

/** Raises the ticket when the conversation so far reads more severe; undefined when it does not. */
export async function retriage(deps: RetriageDeps, input: RetriageInput): Promise<Raised | undefined> {
  const target = input.ticket.parentId ? await deps.tickets.get(input.ticket.parentId) : input.ticket;
  const text = input.userMessages.join('\n').trim();
  if (!text) return undefined;
  const classify = (t: string) => deps.classify({ text: t, role: input.role, reporters: target.reporters });
  const triage = await classify(text);
  // Only what the latest message adds counts: words already weighed (and perhaps lowered by an
  // engineer since) never raise the ticket again.
  const earlier = input.userMessages.slice(0, -1).join('\n').trim();
  if (earlier && !moreSevereThan(triage.severity, (await classify(earlier)).severity)) return undefined;
  const from = target.severity;
  if (!moreSevereThan(triage.severity, from)) return earlierRaise(deps, target, input.messageId);
  const reason = `The conversation added scope (${from} → ${triage.severity}). ${triage.rationale}`;
  const data = input.messageId ? { messageId: input.messageId } : {};
  const raised = await deps.tickets.raiseSeverity(target.id, HELPLINE_ACTOR, triage.severity, reason, data);
  return raised.severity === from ? undefined : { ticket: raised, from, reason };
}

/** This message raised the ticket already (the job is a retry): the same raise again. */
async function earlierRaise(
  deps: RetriageDeps,
  ticket: Ticket,
  messageId: string | undefined,
): Promise<Raised | undefined> {
  if (!messageId) return undefined;
  const raise = (await deps.tickets.events(ticket.id)).findLast(
    (e) => e.action === 'severity_overridden' && e.data.messageId === messageId,
  );
  if (!raise?.from || raise.to !== ticket.severity) return undefined;
  return { ticket, from: raise.from as Severity, reason: raise.reason ?? '' };
}

const moreSevereThan = (a: Severity, b: Severity) => severityRank(a) < severityRank(b);
