/**
 * The handoff core (DESIGN §2 flows 5 and 7), platform-neutral: posts a ticket's card to its
 * triage channel, applies the card's buttons (Claim / Escalate / Resolve) and the employee's
 * answers to the resolve prompt (rate_1…rate_5 / not_solved) to the ticket service, updates the
 * card in place and tells the employee, in the employee's language. Adapters parse and verify;
 * this module decides. Every message carries a deterministic key, so a redelivered click never
 * posts twice.
 */

import { detectLang } from '../assistant/language.ts';
import type { ReplyButton } from '../assistant/types.ts';
import type { Deliver } from '../delivery/delivery.ts';
import { isHelplineError } from '../errors.ts';
import type { EmployeeProfile, InboundEvent, OutboundBody, OutboundMessage } from '../inbound/ports.ts';
import { type ConversationAddress, parseConversationId } from '../inbound/thread-ids.ts';
import type { Lang } from '../knowledge/types.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { Ticket } from '../tickets/types.ts';
import { ticketCard, ticketValue } from './context-packet.ts';
import { routeFor, type TriageRouting } from './routing.ts';
import { type ThreadLink, type ThreadLinks, type ThreadPlatform, threadOf } from './thread-links.ts';

export interface CardExtras {
  profile?: EmployeeProfile;
  botAnswer?: string;
  dueText?: string;
}

export interface HandoffDeps {
  tickets: TicketService;
  links: ThreadLinks;
  deliver: Deliver;
  now: () => Date;
  /** Language of triage cards. @defaultValue the employee's language */
  triageLang?: Lang;
  /** Profile, bot answer and SLA text for a ticket's card, asked at every (re)render. */
  describe?: (ticket: Ticket) => Promise<CardExtras> | CardExtras;
  /** A person's display name for messages ("Wang Wei is looking at…"). @defaultValue the id */
  nameOf?: (platform: ThreadPlatform, userId: string) => Promise<string | undefined> | string | undefined;
  /**
   * Whether the clicker may press this button on this ticket (src/access/policy.ts): 'work' for
   * claim / escalate / resolve, 'rate' for the employee's rating and "not solved".
   */
  authorize: (event: InboundEvent, action: 'work' | 'rate', ticket: Ticket) => Promise<AccessVerdict>;
}

export type AccessVerdict = { allowed: true } | { allowed: false; reason: string };

export type EmployeeThread = ConversationAddress;

export interface PostOptions extends CardExtras {
  /** The employee's thread; default: parsed from `ticket.threadId` ("slack:C1:171.1"). */
  employee?: EmployeeThread;
}

export type ActionOutcome =
  | 'claimed'
  | 'already_claimed'
  | 'escalated'
  | 'resolved'
  | 'closed'
  | 'rated'
  | 'reopened'
  | 'refused'
  | 'not_found';

export type ActionResult = { handled: false } | { handled: true; outcome: ActionOutcome; ticket?: Ticket };

export interface Handoff {
  /** Posts the ticket's card to its category's triage channel and records both threads. */
  postToTriage(ticket: Ticket, routing: TriageRouting, options?: PostOptions): Promise<ThreadLink>;
  /**
   * The card's thread is known once the card is delivered (its platform message id / ts): record it
   * so replies under the card are relayed. Wired as a delivery `onSent` listener (`cardSent`).
   */
  attachTriageThread(ticketId: string, thread: string): Promise<void>;
  /** A button: claim / escalate / resolve / rate_1…rate_5 / not_solved; anything else is not handled. */
  handleAction(event: InboundEvent): Promise<ActionResult>;
  /** Re-renders the triage card after a change made elsewhere (SLA breach, console). */
  refreshCard(ticket: Ticket): Promise<void>;
}

export const RATE_ACTIONS = ['rate_1', 'rate_2', 'rate_3', 'rate_4', 'rate_5'] as const;
export const NOT_SOLVED = 'not_solved';
const WORK_ACTIONS = new Set<string>(['claim', 'escalate', 'resolve']);
const HANDLED = new Set<string>([...WORK_ACTIONS, ...RATE_ACTIONS, NOT_SOLVED]);

/** The employee's language: that of their words in the transcript (the title when there are none). */
export function employeeLang(ticket: Ticket): Lang {
  const said = ticket.transcript
    .filter((l) => l.author === 'user')
    .map((l) => l.text)
    .join(' ');
  return detectLang(said.trim() || ticket.title);
}

export const cardKey = (ticket: Pick<Ticket, 'id' | 'version'>) => `card:${ticket.id}:${ticket.version}`;

/** The ticket whose card a delivery key posts (`card:<id>:<version>`), if it is one. */
export const cardTicketId = (key: string) => /^card:(.+):\d+$/.exec(key)?.[1];

/** A delivery `onSent` listener: a triage card is out, so its thread is where engineers reply. */
export function cardSent(handoff: Pick<Handoff, 'attachTriageThread'>) {
  return async (msg: OutboundMessage, ref: string): Promise<void> => {
    const ticketId = cardTicketId(msg.key);
    if (!ticketId || msg.updateOf) return;
    await handoff.attachTriageThread(
      ticketId,
      ref.startsWith(`${msg.channel}:`) ? ref.slice(msg.channel.length + 1) : ref,
    );
  };
}

/** The employee's and the triage thread's status texts, also used by the console (src/console). */
export const HANDOFF_TEXTS = {
  en: {
    claimed: (who: string, n: string) => `${who} is looking at your ticket ${n}.`,
    escalated: (n: string, tier: string) =>
      `Your ticket ${n} has been escalated to ${tier} support; they will pick it up shortly.`,
    resolved: (n: string) =>
      `Your ticket ${n} has been marked resolved. Solved? Rate 1–5, or say not solved.`,
    closed: (n: string, csat: number) => `Thanks for rating ${csat}/5. Ticket ${n} is closed.`,
    rated: (n: string, csat: number) => `Thanks for rating ${csat}/5 (ticket ${n}).`,
    reopened: (n: string) =>
      `Sorry it is not solved yet. Ticket ${n} is reopened and back with the engineer.`,
    notSolved: 'Not solved',
    alreadyClaimed: (n: string, who: string) =>
      `${n} is already claimed by ${who}. Ask them, or escalate it.`,
    reopenedTriage: (n: string) => `↩️ The employee says ${n} is not solved; it is reopened.`,
    refused: (n: string, why: string) => `Cannot do that on ${n}: ${why}`,
  },
  zh: {
    claimed: (who: string, n: string) => `${who} 正在处理你的工单 ${n}。`,
    escalated: (n: string, tier: string) => `你的工单 ${n} 已升级到 ${tier} 支持，他们会尽快跟进。`,
    resolved: (n: string) => `你的工单 ${n} 已标记为已解决。问题解决了吗？请打分 1–5，或选择“未解决”。`,
    closed: (n: string, csat: number) => `感谢你的评分（${csat}/5）。工单 ${n} 已关闭。`,
    rated: (n: string, csat: number) => `感谢你的评分（${csat}/5，工单 ${n}）。`,
    reopened: (n: string) => `抱歉问题还没解决。工单 ${n} 已重新打开，交回工程师处理。`,
    notSolved: '未解决',
    alreadyClaimed: (n: string, who: string) => `${n} 已被 ${who} 认领。请联系对方，或升级工单。`,
    reopenedTriage: (n: string) => `↩️ 员工反馈 ${n} 未解决，工单已重新打开。`,
    refused: (n: string, why: string) => `无法对 ${n} 执行此操作：${why}`,
  },
} as const;
const T = HANDOFF_TEXTS;

/** The buttons under "Solved? rate 1–5 or say not solved". */
export function ratingButtons(ticket: Ticket, lang: Lang): ReplyButton[] {
  const value = ticketValue(ticket);
  return [
    ...RATE_ACTIONS.map((action, i) => ({ action, label: String(i + 1), value })),
    { action: NOT_SOLVED, label: T[lang].notSolved, value },
  ];
}

export function createHandoff(deps: HandoffDeps): Handoff {
  const { tickets, links, deliver } = deps;

  const nameOf = async (platform: ThreadPlatform, userId: string) =>
    (await deps.nameOf?.(platform, userId)) || userId;

  const render = async (ticket: Ticket, extra: CardExtras = {}): Promise<OutboundBody> => {
    const described = (await deps.describe?.(ticket)) ?? {};
    return ticketCard(ticket, { ...described, ...extra, lang: deps.triageLang ?? employeeLang(ticket) });
  };

  const attachTriageThread = async (ticketId: string, thread: string) => {
    const { triage } = await links.byTicket(ticketId);
    if (!triage) return;
    await links.link({ ...triage, thread });
  };

  const refreshCard = async (ticket: Ticket) => {
    const { triage } = await links.byTicket(ticket.id);
    if (!triage) return;
    const key = cardKey(ticket);
    if (triage.cardKey === key) return; // This version is already on the card.
    await deliver({
      key,
      platform: triage.platform,
      channel: triage.chat,
      body: await render(ticket),
      ...(triage.cardKey ? { updateOf: triage.cardKey } : {}),
    });
    await links.setCardKey(ticket.id, key);
  };

  const tellEmployee = async (ticket: Ticket, key: string, body: Omit<OutboundBody, 'lang'>) => {
    const { employee } = await links.byTicket(ticket.id);
    const where = employee ?? parseConversationId(ticket.threadId);
    if (!where) return;
    await deliver({
      key,
      platform: where.platform,
      channel: where.chat,
      thread: where.thread,
      body: { ...body, lang: employeeLang(ticket) },
    });
  };

  /** A reply to whoever clicked, where they clicked (the triage card's thread). */
  const replyToClicker = async (event: InboundEvent, text: string, lang: Lang) => {
    await deliver({
      key: `reply:${event.eventId}`,
      platform: event.platform,
      channel: event.chat,
      ...(event.thread ? { thread: event.thread } : {}),
      body: { text, lang },
    });
  };

  const ticketIdOf = (event: InboundEvent) => event.action?.value?.ticket;

  return {
    async postToTriage(ticket, routing, options = {}) {
      const dest = routeFor(ticket.category, routing);
      const employee = options.employee ?? parseConversationId(ticket.threadId);
      if (employee) await links.link({ ticketId: ticket.id, side: 'employee', ...employee });
      const key = cardKey(ticket);
      const { employee: _e, ...extra } = options;
      // Until the card is sent (attachTriageThread), its key stands in for its thread.
      const link = await links.link({
        ticketId: ticket.id,
        side: 'triage',
        ...dest,
        thread: key,
        cardKey: key,
      });
      await deliver({ key, platform: dest.platform, channel: dest.chat, body: await render(ticket, extra) });
      return (await links.byTicket(ticket.id)).triage ?? link;
    },

    attachTriageThread,
    refreshCard,

    async handleAction(event) {
      const id = event.action?.id;
      if (event.kind !== 'action' || !id || !HANDLED.has(id)) return { handled: false };
      const ticketId = ticketIdOf(event);
      let ticket: Ticket;
      try {
        if (!ticketId) return { handled: true, outcome: 'not_found' };
        ticket = await tickets.get(ticketId);
      } catch (err) {
        // Only a ticket that does not exist is "not found"; anything else (the database down) fails
        // the job, which retries, so the click is not dropped.
        if (isHelplineError(err, 'TICKET_NOT_FOUND')) return { handled: true, outcome: 'not_found' };
        throw err;
      }
      const lang = employeeLang(ticket);
      const t = T[lang];
      const actor = event.user;
      const verdict = await deps.authorize(event, WORK_ACTIONS.has(id) ? 'work' : 'rate', ticket);
      if (!verdict.allowed) {
        const replyLang = deps.triageLang ?? lang;
        await replyToClicker(event, T[replyLang].refused(ticket.number, verdict.reason), replyLang);
        return { handled: true, outcome: 'refused', ticket };
      }

      try {
        switch (id) {
          case 'claim': {
            const claimed = await tickets.claim(ticket.id, actor);
            await refreshCard(claimed);
            const who = await nameOf(event.platform, actor);
            await tellEmployee(claimed, `status:${claimed.id}:${claimed.version}`, {
              text: t.claimed(who, claimed.number),
            });
            return { handled: true, outcome: 'claimed', ticket: claimed };
          }
          case 'escalate': {
            const escalated = await tickets.escalate(ticket.id, actor);
            await refreshCard(escalated);
            await tellEmployee(escalated, `status:${escalated.id}:${escalated.version}`, {
              text: t.escalated(escalated.number, escalated.tier),
            });
            return { handled: true, outcome: 'escalated', ticket: escalated };
          }
          case 'resolve': {
            const resolved = await tickets.resolve(ticket.id, actor);
            await refreshCard(resolved);
            await tellEmployee(resolved, `status:${resolved.id}:${resolved.version}`, {
              text: t.resolved(resolved.number),
              buttons: ratingButtons(resolved, lang),
            });
            return { handled: true, outcome: 'resolved', ticket: resolved };
          }
          case NOT_SOLVED: {
            const reopened = await tickets.reopen(ticket.id, actor, 'employee: not solved');
            await refreshCard(reopened);
            await tellEmployee(reopened, `status:${reopened.id}:${reopened.version}`, {
              text: t.reopened(reopened.number),
            });
            const { triage } = await links.byTicket(reopened.id);
            if (triage) {
              await deliver({
                key: `note:${reopened.id}:${reopened.version}`,
                platform: triage.platform,
                channel: triage.chat,
                ...threadOf(triage),
                body: { text: T[deps.triageLang ?? lang].reopenedTriage(reopened.number) },
              });
            }
            return { handled: true, outcome: 'reopened', ticket: reopened };
          }
          default: {
            // rate_1 … rate_5
            const csat = Number(id.slice('rate_'.length));
            const done =
              ticket.status === 'closed'
                ? await tickets.rate(ticket.id, actor, csat)
                : await tickets.close(ticket.id, actor, { csat });
            await refreshCard(done);
            await tellEmployee(done, `status:${done.id}:${done.version}`, {
              text: ticket.status === 'closed' ? t.rated(done.number, csat) : t.closed(done.number, csat),
            });
            return { handled: true, outcome: ticket.status === 'closed' ? 'rated' : 'closed', ticket: done };
          }
        }
      } catch (err) {
        const replyLang = deps.triageLang ?? lang;
        if (isHelplineError(err, 'ALREADY_CLAIMED')) {
          const holder = (err.details as { assigneeId?: string } | undefined)?.assigneeId ?? '?';
          const who = await nameOf(event.platform, holder);
          await replyToClicker(event, T[replyLang].alreadyClaimed(ticket.number, who), replyLang);
          return { handled: true, outcome: 'already_claimed', ticket: await tickets.get(ticket.id) };
        }
        if (isHelplineError(err, 'ILLEGAL_TRANSITION') || isHelplineError(err, 'BAD_REQUEST')) {
          await replyToClicker(event, T[replyLang].refused(ticket.number, err.message), replyLang);
          return { handled: true, outcome: 'refused', ticket: await tickets.get(ticket.id) };
        }
        throw err;
      }
    },
  };
}
