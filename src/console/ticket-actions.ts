/**
 * What an engineer does to a ticket from the console (issue 14): claim, reply, internal note,
 * escalate, resolve, reopen, override severity. Each is checked by the policy (src/access/policy.ts,
 * 'work'), applied through the ticket service the chat buttons use, re-renders the triage card
 * (handoff.refreshCard) and tells the employee on their own channel through delivery — the same
 * texts and keys as the buttons, so a console action and a card click read alike to the employee.
 * A reply is delivered as an `agent` message to the employee's thread (web, Lark or Slack) and
 * mirrored under the triage card when there is one; a note only goes to the audit log.
 */
import { randomUUID } from 'node:crypto';
import { type Principal, ticketDecision } from '../access/policy.ts';
import type { Deliver } from '../delivery/delivery.ts';
import { HelplineError, isHelplineError } from '../errors.ts';
import { employeeLang, HANDOFF_TEXTS, type Handoff, ratingButtons } from '../handoff/actions.ts';
import { type ThreadLinks, threadOf } from '../handoff/thread-links.ts';
import { parseConversationId } from '../inbound/thread-ids.ts';
import { maskPii } from '../privacy/pii.ts';
import type { Severity } from '../sla/types.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import { requiredText } from '../tickets/typed-text.ts';
import type { Ticket } from '../tickets/types.ts';

export interface ConsoleActionDeps {
  tickets: TicketService;
  handoff: Pick<Handoff, 'refreshCard'>;
  links: ThreadLinks;
  deliver: Deliver;
  now: () => Date;
}

export const CONSOLE_ACTIONS = [
  'claim',
  'reply',
  'note',
  'escalate',
  'resolve',
  'reopen',
  'override',
] as const;
export type ConsoleAction = (typeof CONSOLE_ACTIONS)[number];

export interface ActionInput {
  text?: string;
  reason?: string;
  severity?: string;
  /** Idempotency key from the page: a retried reply is delivered once. */
  key?: string;
  /** With a reply: the engineer asked something, the resolution clock pauses. */
  waitForEmployee?: boolean;
  /** The ticket's version the page showed: a change of state on a ticket changed since is CONFLICT. */
  version?: number;
}

const SEVERITIES: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];
/** Actions that change the ticket's state; a reply or a note adds to it and conflicts with nothing. */
const STATE_ACTIONS: ReadonlySet<ConsoleAction> = new Set([
  'claim',
  'escalate',
  'resolve',
  'reopen',
  'override',
]);
const LABEL = { en: 'Engineer', zh: '工程师' } as const;
/** The audit reason of a wait started by a console reply; the console names it in its language. */
export const ASKED_FROM_CONSOLE = 'asked from the console';

export function createConsoleActions(deps: ConsoleActionDeps) {
  const { tickets, links, deliver } = deps;

  /** The employee's thread (recorded at handoff, else the ticket's own conversation id). */
  const employeeThread = async (ticket: Ticket) =>
    (await links.byTicket(ticket.id)).employee ?? parseConversationId(ticket.threadId);

  const tellEmployee = async (ticket: Ticket, key: string, body: Parameters<Deliver>[0]['body']) => {
    const where = await employeeThread(ticket);
    if (!where) return;
    await deliver({ key, platform: where.platform, channel: where.chat, thread: where.thread, body });
  };

  /**
   * After a console claim the employee's thread is bridged even without a triage card, so the
   * assistant stays quiet there while an engineer holds the ticket (src/handoff/relay.ts).
   */
  const bridgeEmployee = async (ticket: Ticket) => {
    const existing = (await links.byTicket(ticket.id)).employee;
    const where = parseConversationId(ticket.threadId);
    if (!existing && where) await links.link({ ticketId: ticket.id, side: 'employee', ...where });
  };

  const claim = async (ticket: Ticket, p: Principal) => {
    const claimed = await tickets.claim(ticket.id, p.userId);
    if (claimed.version === ticket.version) return claimed; // Already held by this engineer.
    await bridgeEmployee(claimed);
    await deps.handoff.refreshCard(claimed);
    const lang = employeeLang(claimed);
    await tellEmployee(claimed, `status:${claimed.id}:${claimed.version}`, {
      text: HANDOFF_TEXTS[lang].claimed(p.userId, claimed.number),
      lang,
    });
    return claimed;
  };

  const audit = (
    ticket: Ticket,
    p: Principal,
    action: 'note' | 'agent_replied',
    text: string,
    key?: string,
  ) =>
    tickets.store.audit({
      ticketId: ticket.id,
      at: deps.now().toISOString(),
      actor: p.userId,
      action,
      from: null,
      to: null,
      reason: text,
      data: { via: 'console', ...(key ? { key } : {}) },
    });

  /** Two engineers at once: the one whose page is out of date is told who changed what. */
  const changedSince = async (ticket: Ticket, version: number) => {
    const last = (await tickets.events(ticket.id)).filter((e) => e.action !== 'viewed').at(-1);
    const what = last
      ? `${last.action}${last.to && last.to !== last.action ? ` → ${last.to}` : ''}`
      : 'changed';
    return new HelplineError(
      'CONFLICT',
      `${ticket.number} was just changed by ${last?.actor ?? 'someone'} (${what}); the page shows it now — look before acting again.`,
      {
        details: {
          number: ticket.number,
          status: ticket.status,
          expectedVersion: version,
          actualVersion: ticket.version,
          changedBy: last?.actor ?? null,
          change: last?.action ?? null,
        },
      },
    );
  };

  return {
    async act(p: Principal, idOrNumber: string, action: ConsoleAction, input: ActionInput): Promise<Ticket> {
      const ticket = await tickets.get(idOrNumber);
      const checked = input.version !== undefined && STATE_ACTIONS.has(action);
      if (checked && input.version !== ticket.version) {
        allowed(p, ticket, idOrNumber);
        throw await changedSince(ticket, input.version as number);
      }
      try {
        return await apply(p, ticket, idOrNumber, action, input);
      } catch (err) {
        // Both pages were current and the other engineer's change landed first.
        // (A lost claim keeps ALREADY_CLAIMED, which names the holder.)
        if (checked && isHelplineError(err, 'ILLEGAL_TRANSITION')) {
          const now = await tickets.get(ticket.id);
          if (now.version !== ticket.version) throw await changedSince(now, input.version as number);
        }
        throw err;
      }
    },
  };

  /** The policy's 'work' decision; a ticket the caller cannot even read is not found. */
  function allowed(p: Principal, ticket: Ticket, idOrNumber: string) {
    const decision = ticketDecision(p, 'work', ticket);
    if (!decision.allowed) {
      if (!ticketDecision(p, 'read', ticket).allowed) {
        throw new HelplineError('TICKET_NOT_FOUND', `There is no ticket ${idOrNumber} that you can see.`);
      }
      throw new HelplineError('FORBIDDEN', decision.reason);
    }
  }

  async function apply(
    p: Principal,
    current: Ticket,
    idOrNumber: string,
    action: ConsoleAction,
    input: ActionInput,
  ): Promise<Ticket> {
    let ticket = current;
    allowed(p, ticket, idOrNumber);
    const lang = employeeLang(ticket);
    const t = HANDOFF_TEXTS[lang];
    switch (action) {
      case 'claim':
        return claim(ticket, p);
      case 'reply': {
        const text = requiredText(input.text, 'reply');
        // A reply to an unclaimed ticket is its first response: the replier takes it.
        if (!ticket.assigneeId) ticket = await claim(ticket, p);
        const key = `console-reply:${ticket.id}:${(input.key ?? randomUUID()).slice(0, 100)}`;
        await tellEmployee(ticket, key, { text: `${LABEL[lang]}: ${text}`, lang, author: 'agent' });
        const { triage } = await links.byTicket(ticket.id);
        if (triage) {
          await deliver({
            key: `${key}:triage`,
            platform: triage.platform,
            channel: triage.chat,
            ...threadOf(triage),
            body: { text: `${LABEL[lang]} (${p.userId}, console): ${maskPii(text)}`, lang },
          });
        }
        await audit(ticket, p, 'agent_replied', text, key);
        if (input.waitForEmployee && ticket.status === 'claimed') {
          ticket = await tickets.waitOnEmployee(ticket.id, p.userId, ASKED_FROM_CONSOLE);
        }
        return ticket;
      }
      case 'note':
        await audit(ticket, p, 'note', requiredText(input.text, 'note'));
        return ticket;
      case 'escalate': {
        const escalated = await tickets.escalate(ticket.id, p.userId, input.reason?.trim() || undefined);
        await deps.handoff.refreshCard(escalated);
        await tellEmployee(escalated, `status:${escalated.id}:${escalated.version}`, {
          text: t.escalated(escalated.number, escalated.tier),
          lang,
        });
        return escalated;
      }
      case 'resolve': {
        const resolved = await tickets.resolve(ticket.id, p.userId, input.reason?.trim() || undefined);
        await deps.handoff.refreshCard(resolved);
        await tellEmployee(resolved, `status:${resolved.id}:${resolved.version}`, {
          text: t.resolved(resolved.number),
          lang,
          buttons: ratingButtons(resolved, lang),
        });
        return resolved;
      }
      case 'reopen': {
        const reopened = await tickets.reopen(ticket.id, p.userId, requiredText(input.reason, 'reason'));
        await deps.handoff.refreshCard(reopened);
        return reopened;
      }
      case 'override': {
        const severity = input.severity as Severity;
        if (!SEVERITIES.includes(severity)) {
          throw new HelplineError('BAD_REQUEST', `Choose a severity: ${SEVERITIES.join(', ')}.`);
        }
        const reason = requiredText(input.reason, 'reason for the new severity');
        const changed = await tickets.overrideSeverity(ticket.id, p.userId, severity, reason);
        await deps.handoff.refreshCard(changed);
        return changed;
      }
    }
  }
}

export type ConsoleActions = ReturnType<typeof createConsoleActions>;
