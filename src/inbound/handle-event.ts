/**
 * The `chat-event` job (DESIGN §2 flows 1–5, 7): what happens to a message or a button from Lark or
 * Slack once it is safely queued. In order:
 *   1. the bridge: a message in a thread linked to a ticket is relayed to the other side (`//`
 *      notes stay), and the assistant keeps quiet in triage threads and claimed tickets;
 *   2. an HR admin's "escalate"/"上报" gets the payroll form;
 *   3. anything else addressed to the bot becomes a turn of the assistant (stored first, so a
 *      restart can recover it; the turn job answers in the thread).
 * Buttons: triage card and rating buttons go to the handoff core; 👍/👎 are recorded; 🙋 hands the
 * thread to a human; the payroll form opens a sensitive ticket; help and status answer by DM.
 * Every message sent is keyed by the event that caused it, so a retried job never posts twice.
 */
import type { Logger } from 'pino';
import { detectLang } from '../assistant/language.ts';
import type { InboundTurn } from '../assistant/turn-jobs.ts';
import type { ConversationStore } from '../conversations/types.ts';
import type { Deliver, Handoff } from '../handoff/actions.ts';
import type { Relay } from '../handoff/relay.ts';
import type { AnswerFeedback } from '../insights/feedback.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { Lang } from '../knowledge/types.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { TriageInput, TriageResult } from '../triage/types.ts';
import { CHAT_EVENT_JOB, CHAT_EVENT_QUEUE, type QueuedEvent } from './accept.ts';
import { PAYROLL_FORM, payrollForm } from './forms.ts';
import { PAYROLL_ROLES, payrollDetailsText, payrollTicket, readPayrollForm } from './payroll.ts';
import type { InboundEvent } from './ports.ts';
import { CHAT_TEXT, ESCALATE_COMMAND, ticketLine } from './texts.ts';

export interface ChatEventDeps {
  store: ConversationStore;
  tickets: TicketService;
  relay: Relay;
  handoff: Handoff;
  deliver: Deliver;
  /** Queues an assistant turn (submitTurn). */
  submit: (turn: InboundTurn) => Promise<void>;
  recordFeedback: (feedback: AnswerFeedback) => Promise<void>;
  classify: (input: TriageInput) => TriageResult;
  /** Role of a user (`lark:ou_1`, `slack:U1`) from the config. */
  roleOf: (userKey: string) => string | undefined;
  /** Users (`platform:id`) holding any of `roles`, for confidential DMs. */
  usersWithRole: (roles: readonly string[]) => string[];
  now: () => Date;
  logger: Logger;
}

/** The user across platforms: `lark:ou_1`, `slack:U1` (the form config roles use). */
export const userKey = (e: Pick<InboundEvent, 'platform' | 'user'>) => `${e.platform}:${e.user}`;

/**
 * The root of the event's thread, where replies go. A message: its thread, else itself (a reply
 * starts a thread under it). A button: the thread of the message it is on (Slack says; Lark cards
 * carry it in the button value, else a reply to the card itself lands in the card's thread).
 * Undefined for a form submitted from a Slack modal, which belongs to no message.
 */
export function threadRoot(e: InboundEvent): string | undefined {
  if (e.kind === 'message') return e.thread ?? e.messageId;
  return e.thread ?? e.action?.value?.thread ?? (e.platform === 'lark' ? e.action?.messageRef : undefined);
}

/** Our conversation for a platform thread: `lark:oc_1:om_root` (what tickets' threadId parse). */
export const conversationId = (e: InboundEvent) => `${e.platform}:${e.chat}:${threadRoot(e) ?? e.chat}`;

const FEEDBACK = { feedback_up: true, feedback_down: false } as const;

export function registerChatEventJob(runner: Pick<JobRunner, 'register'>, deps: ChatEventDeps): void {
  runner.register<QueuedEvent>(CHAT_EVENT_QUEUE, CHAT_EVENT_JOB, (queued) => handleChatEvent(deps, queued));
}

export async function handleChatEvent(deps: ChatEventDeps, queued: QueuedEvent): Promise<void> {
  const { event } = queued;
  if (event.kind === 'action') return handleAction(deps, event, queued.acceptedAt);
  return handleMessage(deps, event, queued.acceptedAt);
}

async function handleMessage(deps: ChatEventDeps, event: InboundEvent, acceptedAt: number): Promise<void> {
  const bridged = await deps.relay.relayMessage(event);
  if (bridged.bridged && bridged.side === 'employee') await remember(deps, event, event.text);
  if (bridged.quiet || bridged.note) return;
  if (!event.addressed) {
    // A thread reply without a mention: ours only when the bot is already in that conversation.
    if (bridged.bridged || !(await deps.store.getThread(conversationId(event)))) return;
  }
  const text = event.text.trim();
  if (!text) return;
  const lang = detectLang(text);
  if (ESCALATE_COMMAND.test(text) && deps.roleOf(userKey(event)) === 'hr_admin') {
    await reply(deps, event, { text: CHAT_TEXT[lang].formPrompt, lang, form: payrollForm(lang) });
    return;
  }
  await startTurn(deps, event, text, acceptedAt);
}

async function handleAction(deps: ChatEventDeps, event: InboundEvent, acceptedAt: number): Promise<void> {
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
      const lang = await conversationLang(deps, event);
      await startTurn(deps, event, CHAT_TEXT[lang].talkToHuman, acceptedAt);
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

/** Stores the message and queues the assistant's turn on it. */
async function startTurn(deps: ChatEventDeps, event: InboundEvent, text: string, acceptedAt: number) {
  const stored = await remember(deps, event, text);
  await deps.submit({
    platform: event.platform,
    conversationId: conversationId(event),
    messageId: stored.id,
    userId: userKey(event),
    text,
    channel: event.chat,
    thread: threadRoot(event) ?? event.messageId,
    acceptedAt,
  });
}

/** The user's message in our conversation store, under a deterministic id (retries store it once). */
async function remember(deps: ChatEventDeps, event: InboundEvent, text: string) {
  const id = conversationId(event);
  await deps.store.ensureThread(id, userKey(event), event.platform);
  const messageId = `${event.platform}:${event.kind === 'action' ? `action:${event.eventId}` : event.messageId}`;
  return deps.store.addMessage(id, { id: messageId, author: 'user', text });
}

async function submitForm(deps: ChatEventDeps, event: InboundEvent): Promise<void> {
  const lang = langOf(Object.values(event.action?.form ?? {}).join(' '));
  const t = CHAT_TEXT[lang];
  if ((event.action?.value?.form ?? PAYROLL_FORM) !== PAYROLL_FORM) {
    deps.logger.info({ form: event.action?.value?.form }, 'unknown form skipped');
    return;
  }
  if (deps.roleOf(userKey(event)) !== 'hr_admin') {
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
    const [platform, id] = splitUser(user);
    if (!platform || !id) continue;
    await deps.deliver({
      key: `dm:${ticket.id}:${user}`,
      platform,
      channel: id,
      body: { text: details, lang },
    });
  }
}

/** Slack's message shortcut "Escalate to L2": a ticket about that message, in its thread. */
async function escalateMessage(deps: ChatEventDeps, event: InboundEvent): Promise<void> {
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
  const requester = value.author ? `${event.platform}:${value.author}` : userKey(event);
  await deps.store.ensureThread(threadId, requester, event.platform);
  let ticket = (await deps.tickets.list({ threadId, open: true, limit: 1 }))[0];
  if (!ticket) {
    const triage = deps.classify({ text, lang, role: deps.roleOf(requester) });
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
async function menu(deps: ChatEventDeps, event: InboundEvent): Promise<void> {
  const key = (event.action?.value?.key ?? '').toLowerCase();
  const lang: Lang = event.action?.value?.lang === 'en' ? 'en' : 'zh';
  if (key === 'help') return dm(deps, event, { text: CHAT_TEXT[lang].help, lang });
  if (key === 'status') return status(deps, { ...event, text: lang === 'zh' ? '状态' : 'status' });
  if (key === 'escalate' || key === 'payroll') {
    const allowed = deps.roleOf(userKey(event)) === 'hr_admin';
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

async function status(deps: ChatEventDeps, event: InboundEvent): Promise<void> {
  const lang = langOf(event.text);
  const t = CHAT_TEXT[lang];
  const mine = await deps.tickets.list({ requesterId: userKey(event), open: true, limit: 20 });
  const text = mine.length ? [t.openTickets(mine.length), ...mine.map(ticketLine)].join('\n') : t.noTickets;
  await dm(deps, event, { text, lang });
}

type Body = Parameters<Deliver>[0]['body'];

/** Answers in the event's thread. */
async function reply(deps: ChatEventDeps, event: InboundEvent, body: Body): Promise<void> {
  const thread = threadRoot(event);
  await deps.deliver({
    key: `reply:${event.platform}:${event.eventId}`,
    platform: event.platform,
    channel: event.chat,
    ...(thread ? { thread } : {}),
    body,
  });
}

/** Answers privately: a DM to the user (Slack posts to a user id as a DM; Lark to an open_id). */
async function dm(deps: ChatEventDeps, event: InboundEvent, body: Body): Promise<void> {
  await deps.deliver({
    key: `reply:${event.platform}:${event.eventId}`,
    platform: event.platform,
    channel: event.user,
    body,
  });
}

async function conversationLang(deps: ChatEventDeps, event: InboundEvent): Promise<Lang> {
  const said = (await deps.store.listMessages(conversationId(event)))
    .filter((m) => m.author === 'user')
    .map((m) => m.text)
    .join(' ');
  return langOf(said || event.action?.value?.text || '');
}

const langOf = (text: string): Lang => (text.trim() ? detectLang(text) : 'en');

function splitUser(user: string): ['lark' | 'slack' | undefined, string] {
  const i = user.indexOf(':');
  const platform = user.slice(0, i);
  return [platform === 'lark' || platform === 'slack' ? platform : undefined, user.slice(i + 1)];
}
