/**
 * The `event` job: what happens to an accepted event — from Lark, Slack or the web chat alike —
 * in one hop (DESIGN §2 flows 1–5, 7). A message:
 *   1. the bridge: in a thread linked to a ticket it is relayed to the other side (`//` notes stay),
 *      and the assistant keeps quiet in triage threads and claimed tickets — except an employee's
 *      message about another sensitive matter, which is withheld from that ticket's triage thread
 *      and answered by the assistant with a ticket of its own (sensitive-follow-up.ts);
 *   2. an HR admin's "escalate"/"上报" gets the payroll form;
 *   3. anything else addressed to the bot is a turn of the assistant, answered in its thread.
 * A button or form goes to chat-actions.ts. Every message sent is keyed by what caused it, so a
 * retried job never posts twice.
 */
import { detectLang } from '../assistant/language.ts';
import type { ConversationStore } from '../conversations/types.ts';
import type { Relay } from '../handoff/relay.ts';
import type { JobRunner } from '../jobs/types.ts';
import { type ChatActionsDeps, handleAction, reply } from './chat-actions.ts';
import { payrollForm } from './forms.ts';
import type { InboundEvent } from './ports.ts';
import { aboutAnotherSensitiveMatter } from './sensitive-follow-up.ts';
import { CHAT_TEXT, ESCALATE_COMMAND } from './texts.ts';
import { conversationId, messageKey, userKey } from './thread-ids.ts';
import { deliverReply, registerWatchdog, runTurn, settle, type TurnDeps, turnOf } from './turn.ts';

export const INBOUND_QUEUE = 'inbound';
export const EVENT_JOB = 'event';

/** What the event job receives: the event and when we accepted it (for reply latency). */
export interface QueuedEvent {
  event: InboundEvent;
  acceptedAt: number;
}

/** Deterministic per event: a message by its stored id (the recovery sweep queues the same id). */
export const eventJobId = (e: InboundEvent) =>
  e.kind === 'message' ? `event:${messageKey(e)}` : `event:${e.platform}:${e.tenant || '-'}:${e.eventId}`;

export interface EventJobOptions {
  /** Tries of an event's job. @defaultValue 3 */
  attempts?: number;
  /** First retry delay of an event's job; doubles each try. @defaultValue 500 */
  backoffMs?: number;
}

/** Queues the event's job; adding it again while it is queued does nothing. */
export function enqueueEvent(
  runner: Pick<JobRunner, 'add'>,
  queued: QueuedEvent,
  options: EventJobOptions = {},
): Promise<unknown> {
  return runner.add<QueuedEvent>(INBOUND_QUEUE, {
    name: EVENT_JOB,
    id: eventJobId(queued.event),
    // One conversation's events run in order: a reply is relayed after the message it answers.
    group: `conversation:${conversationId(queued.event)}`,
    data: queued,
    attempts: options.attempts ?? 3,
    backoffMs: options.backoffMs ?? 500,
  });
}

export interface EventJobDeps extends ChatActionsDeps, TurnDeps {
  runner: Pick<JobRunner, 'add' | 'register' | 'remove'>;
  store: ConversationStore;
  relay: Relay;
  /**
   * Links a Lark or Slack sender to the same person's other identities (by the email the platform
   * verified), so their roles and tickets follow them. Best effort: a failure is logged, never fatal.
   */
  linkIdentity: (event: InboundEvent) => Promise<void>;
}

export function registerEventJob(deps: EventJobDeps): void {
  deps.runner.register<QueuedEvent>(INBOUND_QUEUE, EVENT_JOB, async ({ event, acceptedAt }, ctx) => {
    if (event.kind === 'action') {
      // 🙋 "Talk to a human" is a turn on the words the button stands for.
      return handleAction(deps, event, (text) => runTurn(deps, turnOf(event, acceptedAt, text), ctx.final));
    }
    return handleMessage(deps, event, acceptedAt, ctx.final);
  });
  registerWatchdog(deps);
}

async function handleMessage(
  deps: EventJobDeps,
  event: InboundEvent,
  acceptedAt: number,
  lastTry: boolean,
): Promise<void> {
  const text = event.text.trim();
  const turn = turnOf(event, acceptedAt, text);
  if (event.addressed && event.platform !== 'web') {
    await deps.linkIdentity(event).catch((err) => deps.logger.warn({ err }, 'identity not linked'));
  }
  // Chat platforms' messages to the bot are stored here; the web chat's were stored at accept.
  if (event.addressed && text && event.platform !== 'web') await remember(deps, event, text);
  const bridged = await deps.relay.relayMessage(event, {
    aboutAnotherMatter: (ticket) => aboutAnotherSensitiveMatter(deps, event, text, ticket),
  });
  if (bridged.bridged && bridged.side === 'employee') {
    await remember(deps, event, text);
    // Relayed to the engineer and re-triaged: added scope raises the ticket, and the employee hears the new target.
    const raised =
      !bridged.note && !bridged.withheld && text
        ? await deps.assistant.retriage?.(assistantTurn(turn))
        : undefined;
    if (raised) return deliverReply(deps, turn, raised);
  }
  if (bridged.quiet || bridged.note) {
    if (event.addressed) await settle(deps, turn, 'relayed');
    return;
  }
  if (!text) return;
  if (!event.addressed) {
    // A thread reply without a mention: ours only when the bot is already in that conversation, and
    // not while the bridge carries it to an engineer (a withheld message is the assistant's, and
    // was remembered above).
    if (bridged.bridged) {
      if (!bridged.withheld) return;
    } else {
      if (!(await deps.store.getThread(conversationId(event)))) return;
      await remember(deps, event, text);
    }
  }
  if (ESCALATE_COMMAND.test(text) && (await deps.roleOf(userKey(event))) === 'hr_admin') {
    const lang = detectLang(text);
    await reply(deps, event, { text: CHAT_TEXT[lang].formPrompt, lang, form: payrollForm(lang) });
    await settle(deps, turn, 'prompted');
    return;
  }
  await runTurn(deps, turn, lastTry);
}

const assistantTurn = (turn: ReturnType<typeof turnOf>) => ({
  userId: turn.userId,
  threadId: turn.conversationId,
  text: turn.text,
  messageId: turn.messageId,
});

/** The user's message in our conversation store, under its deterministic id (stored once). */
async function remember(deps: EventJobDeps, event: InboundEvent, text: string) {
  const id = conversationId(event);
  await deps.store.ensureThread(id, userKey(event), event.platform);
  await deps.store.addMessage(id, { id: messageKey(event), author: 'user', text, inbound: event });
}
