/**
 * Buttons, forms, commands and menus (DESIGN §2 flows 4, 5, 7), platform-neutral: triage card and
 * rating buttons go to the handoff core; 👍/👎 are recorded; 🙋 hands the thread to a human; the
 * payroll form opens a sensitive ticket; "Escalate to L2" on a message opens a ticket about it;
 * help and status answer by DM. Replies are keyed by the event, so a retried job posts once.
 */
import type { Logger } from 'pino';
import { detectLang } from '../assistant/language.ts';
import type { ConversationStore } from '../conversations/types.ts';
import type { Handoff } from '../handoff/actions.ts';
import type { AnswerFeedback } from '../insights/feedback.ts';
import type { Lang } from '../knowledge/types.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { TriageInput, TriageResult } from '../triage/types.ts';
import { PAYROLL_FORM, payrollForm } from './forms.ts';
import { PAYROLL_ROLES, payrollDetailsText, payrollTicket, readPayrollForm } from './payroll.ts';
import type { InboundEvent, OutboundBody, OutboundMessage } from './ports.ts';
import { CHAT_TEXT, ticketLine } from './texts.ts';
import { conversationId, messageKey, parseUserKey, threadRoot, userKey } from './thread-ids.ts';

export interface ChatActionsDeps {
  store: ConversationStore;
  tickets: TicketService;
  handoff: Handoff;
  deliver: (msg: OutboundMessage) => Promise<void>;
  recordFeedback: (feedback: AnswerFeedback) => Promise<void>;
  classify: (input: TriageInput) => TriageResult;
  /** Role of a user (`lark:ou_1`, `slack:U1`, a web user) from the config. */
  /** The user's role: configured for any of the person's linked identities. */
  roleOf: (userKey: string) => Promise<string | undefined> | string | undefined;
  /** Users (`platform:id`) holding any of `roles`, for confidential DMs. */
  usersWithRole: (roles: readonly string[]) => string[];
  now: () => Date;
  logger: Logger;
}

const FEEDBACK = { feedback_up: true, feedback_down: false } as const;

/** Runs an assistant turn on `text` in the event's thread. */
export type StartTurn = (text: string) => Promise<void>;

export async function handleAction(
  deps: ChatActionsDeps,
  event: InboundEvent,
  turn: StartTurn,
): Promise<void> {
  const id = event.action?.id ?? '';
  if ((await deps.handoff.handleAction(event)).handled) return;
  switch (id) {
    case 'feedback_up':
    case 'feedback_down':
      await deps.recordFeedback({
        messageId: event.action?.messageRef ?? event.messageId,
        threadId: conversationId(event),
        userId: userKey(event),
        helpful: FEEDBACK[id],
        at: deps.now(),
      });
      return;
    case 'handoff': {
      const text = CHAT_TEXT[await conversationLang(deps, event)].talkToHuman;
      const thread = conversationId(event);
      await deps.store.ensureThread(thread, userKey(event), event.platform);
      await deps.store.addMessage(thread, { id: messageKey(event), author: 'user', text });
      await turn(text);
      return;
    }
    case 'form_submit':
      return submitForm(deps, event);
    case 'escalate_message':
      return escalateMessage(deps, event);
    case 'help': {
      const lang = langOf(event.text);
      await dm(deps, event, { text: CHAT_TEXT[lang].help, lang });
      return;
    }
    case 'status':
      return status(deps, event);
    case 'menu':
      return menu(deps, event);
    default:
      deps.logger.info({ platform: event.platform, action: id }, 'unknown chat action skipped');
  }
}

async function submitForm(deps: ChatActionsDeps, event: InboundEvent): Promise<void> {
  const lang = langOf(Object.values(event.action?.form ?? {}).join(' '));
  const t = CHAT_TEXT[lang];
  if ((event.action?.value?.form ?? PAYROLL_FORM) !== PAYROLL_FORM) {
    deps.logger.info({ form: event.action?.value?.form }, 'unknown form skipped');
    return;
  }
  if ((await deps.roleOf(userKey(event))) !== 'hr_admin') {
    await reply(deps, event, { text: t.formRefused, lang });
    return;
  }
  const read = readPayrollForm(event.action?.form, lang);
  if (!read.ok) {
    await reply(deps, event, { text: t.formIncomplete(read.missing), lang });
    return;
  }
  const threadId = conversationId(event);
  await deps.store.ensureThread(threadId, userKey(event), event.platform);
  const input = payrollTicket(
    read.report,
    { requesterId: userKey(event), threadId, lang, at: deps.now() },
    deps.classify,
  );
  // One ticket per submission, even when this job runs again.
  const existing = (await deps.tickets.list({ threadId, limit: 50 })).find(
    (x) => x.title === input.title && x.requesterId === input.requesterId,
  );
  const ticket = existing ?? (await deps.tickets.open(input));
  await reply(deps, event, { text: t.payrollOpened(ticket), lang });
  const details = `${t.payrollDetails} · ${ticket.number}\n${payrollDetailsText(read.report, lang)}`;
  for (const user of deps.usersWithRole(PAYROLL_ROLES)) {
    const who = parseUserKey(user);
    if (!who) continue;
    await deps.deliver({
      key: `dm:${ticket.id}:${user}`,
      platform: who.platform,
      channel: who.id,
      body: { text: details, lang },
    });
  }
}

/** Slack's message shortcut "Escalate to L2": a ticket about that message, in its thread. */
async function escalateMessage(deps: ChatActionsDeps, event: InboundEvent): Promise<void> {
  const value = event.action?.value ?? {};
  const text = (value.text ?? '').trim();
  if (!text) {
    deps.logger.info({ eventId: event.eventId }, 'escalate_message without text skipped');
    return;
  }
  const lang = langOf(text);
  const root = value.thread ?? value.ts ?? event.messageId;
  const where: InboundEvent = { ...event, thread: root };
  const threadId = conversationId(where);
  const requester = value.author ? userKey({ platform: event.platform, user: value.author }) : userKey(event);
  await deps.store.ensureThread(threadId, requester, event.platform);
  let ticket = (await deps.tickets.list({ threadId, open: true, limit: 1 }))[0];
  if (!ticket) {
    const triage = deps.classify({ text, lang, role: await deps.roleOf(requester) });
    ticket = await deps.tickets.open({
      title: text.replace(/\s+/g, ' ').slice(0, 120),
      severity: triage.severity,
      category: triage.category,
      intent: 'human',
      rationale: `Escalated to L2 by ${userKey(event)} with the message shortcut. ${triage.rationale}`,
      signals: triage.signals,
      requesterId: requester,
      threadId,
      openedBy: userKey(event),
      transcript: [{ author: 'user', text, at: deps.now().toISOString() }],
    });
  }
  await reply(deps, where, { text: CHAT_TEXT[lang].escalated(ticket), lang });
}

/** The Lark bot menu: `escalate` (or `payroll`) opens the payroll form for HR admins; `help`, `status`. */
async function menu(deps: ChatActionsDeps, event: InboundEvent): Promise<void> {
  const key = (event.action?.value?.key ?? '').toLowerCase();
  const lang: Lang = event.action?.value?.lang === 'en' ? 'en' : 'zh';
  if (key === 'help') return dm(deps, event, { text: CHAT_TEXT[lang].help, lang });
  if (key === 'status') return status(deps, { ...event, text: lang === 'zh' ? '状态' : 'status' });
  if (key === 'escalate' || key === 'payroll') {
    const allowed = (await deps.roleOf(userKey(event))) === 'hr_admin';
    await dm(
      deps,
      event,
      allowed
        ? { text: CHAT_TEXT[lang].formPrompt, lang, form: payrollForm(lang) }
        : { text: CHAT_TEXT[lang].formRefused, lang },
    );
    return;
  }
  deps.logger.info({ platform: event.platform, key }, 'unknown menu key skipped');
}

async function status(deps: ChatActionsDeps, event: InboundEvent): Promise<void> {
  const lang = langOf(event.text);
  const t = CHAT_TEXT[lang];
  const mine = await deps.tickets.list({ requesterId: userKey(event), open: true, limit: 20 });
  const text = mine.length ? [t.openTickets(mine.length), ...mine.map(ticketLine)].join('\n') : t.noTickets;
  await dm(deps, event, { text, lang });
}

/** Answers in the event's thread. */
export async function reply(
  deps: Pick<ChatActionsDeps, 'deliver'>,
  event: InboundEvent,
  body: OutboundBody,
): Promise<void> {
  const thread = event.platform === 'web' ? undefined : threadRoot(event);
  await deps.deliver({
    key: `reply:${event.platform}:${event.eventId}`,
    platform: event.platform,
    channel: event.chat,
    ...(thread ? { thread } : {}),
    body,
  });
}

/** Answers privately: a DM to the user (Slack posts to a user id as a DM; Lark to an open_id). */
async function dm(deps: ChatActionsDeps, event: InboundEvent, body: OutboundBody): Promise<void> {
  await deps.deliver({
    key: `reply:${event.platform}:${event.eventId}`,
    platform: event.platform,
    channel: event.platform === 'web' ? event.chat : event.user,
    body,
  });
}

async function conversationLang(deps: ChatActionsDeps, event: InboundEvent): Promise<Lang> {
  const said = (await deps.store.listMessages(conversationId(event)))
    .filter((m) => m.author === 'user')
    .map((m) => m.text)
    .join(' ');
  return langOf(said || event.action?.value?.text || '');
}

const langOf = (text: string): Lang => (text.trim() ? detectLang(text) : 'en');
