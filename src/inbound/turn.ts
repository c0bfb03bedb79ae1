/**
 * One turn of the assistant on an inbound message (DESIGN §2 flows 1–3, "never silent"): the
 * assistant's reply goes out through delivery under `reply:<message id>`; the message's reply slot
 * (reply-slots.ts) makes sure the employee gets one reply whoever comes first — the answer, or the
 * watchdog's fallback at the deadline (a late answer then goes out as a follow-up).
 */
import { fallbackReply } from '../assistant/fallback.ts';
import type { Assistant, BotReply } from '../assistant/types.ts';
import type { ConversationStore } from '../conversations/types.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { InboundEvent, OutboundMessage } from './ports.ts';
import type { ReplySlots, TurnOutcome } from './reply-slots.ts';
import { conversationId, messageKey, threadRoot, userKey } from './thread-ids.ts';

/** @defaultValue 15 s: after this long without a reply the employee gets the fallback. */
export const REPLY_DEADLINE_MS = 15_000;
export const WATCHDOG_JOB = 'watchdog';

/** What a turn needs of the message it answers, and where the reply goes. */
export interface InboundTurn {
  platform: InboundEvent['platform'];
  /** Our conversation: turns of one conversation run in order. */
  conversationId: string;
  /** The stored inbound message: its id keys the reply. */
  messageId: string;
  /** The asker (`slack:U1`, `lark:ou_1`, a web user id). */
  userId: string;
  text: string;
  /** Where the reply goes (web: the thread id; Slack: channel; Lark: chat). */
  channel: string;
  /** Platform thread to reply in, if any. */
  thread?: string;
  /** When the channel accepted it (ms since epoch), for reply-latency metrics. */
  acceptedAt: number;
}

export function turnOf(event: InboundEvent, acceptedAt: number, text = event.text.trim()): InboundTurn {
  const thread = event.platform === 'web' ? undefined : (threadRoot(event) ?? event.messageId);
  return {
    platform: event.platform,
    conversationId: conversationId(event),
    messageId: messageKey(event),
    userId: userKey(event),
    text,
    channel: event.chat,
    ...(thread ? { thread } : {}),
    acceptedAt,
  };
}

export const watchdogId = (event: InboundEvent) => `watchdog:${messageKey(event)}`;

export interface TurnDeps {
  runner: Pick<JobRunner, 'add' | 'remove' | 'register'>;
  assistant: Assistant;
  slots: ReplySlots;
  /** Hands a message to delivery. */
  deliver: (msg: OutboundMessage) => Promise<void>;
  /** Keeps the bot's side of chat platform conversations, for tickets' transcripts. */
  store: Pick<ConversationStore, 'addMessage'>;
  now: () => Date;
  /** Every finished turn, with its outcome and how long from acceptance to reply. */
  onOutcome?: (outcome: TurnOutcome, ms: number, turn: InboundTurn) => void;
  /** Every failed turn attempt or fallback, with a short reason code. */
  onFailure?: (reason: 'error' | 'timeout', turn: InboundTurn, err?: unknown) => void;
}

/**
 * A watchdog that fires late — the process was down or swamped when the deadline passed — gives the
 * answer this long from now before it sends the fallback: after a restart the answer usually
 * follows within a second, and an apology just before it would be a second reply. @defaultValue 10 s
 */
export const LATE_WATCHDOG_GRACE_MS = 10_000;

/** A watchdog job's data: the turn it guards and when its deadline was. */
export interface WatchdogData extends InboundTurn {
  dueAt: number;
  /** Set on the one re-armed watchdog of a late one. */
  rearmed?: boolean;
}

/** The watchdog: at the deadline, the fallback — unless something answered already. */
export function registerWatchdog(deps: TurnDeps): void {
  deps.runner.register<WatchdogData>('inbound', WATCHDOG_JOB, async (turn) => {
    const now = deps.now().getTime();
    if (!turn.rearmed && now - turn.dueAt > 1000) {
      await deps.runner.add<WatchdogData>('inbound', {
        name: WATCHDOG_JOB,
        id: `watchdog:${turn.messageId}:late`,
        delayMs: LATE_WATCHDOG_GRACE_MS,
        data: { ...turn, dueAt: now + LATE_WATCHDOG_GRACE_MS, rearmed: true },
      });
      return;
    }
    if (await deps.slots.claim(turn.messageId, 'fallback', deps.now(), 'timeout')) {
      safely(() => deps.onFailure?.('timeout', turn));
      await deliverFallback(deps, turn);
    }
  });
}

/**
 * Runs the assistant on `turn` and delivers its reply. On an error it throws for the job to retry,
 * unless this is the job's last try: then the employee gets the fallback now rather than at the
 * watchdog's deadline.
 */
export async function runTurn(deps: TurnDeps, turn: InboundTurn, lastTry: boolean): Promise<void> {
  let reply: BotReply;
  try {
    reply = await deps.assistant.reply({
      userId: turn.userId,
      threadId: turn.conversationId,
      text: turn.text,
      messageId: turn.messageId,
    });
    if (!reply.text?.trim()) throw new Error('the assistant produced an empty reply');
  } catch (err) {
    safely(() => deps.onFailure?.('error', turn, err));
    if (!lastTry) throw err;
    if (await deps.slots.claim(turn.messageId, 'fallback', deps.now(), 'error'))
      await deliverFallback(deps, turn);
    return;
  }
  await deliverReply(deps, turn, reply);
}

/** Delivers the assistant's reply to `turn` (a follow-up if the fallback went first) and settles it. */
export async function deliverReply(deps: TurnDeps, turn: InboundTurn, reply: BotReply): Promise<void> {
  const outcome = outcomeOfReply(reply);
  const first = await deps.slots.claim(turn.messageId, outcome, deps.now());
  const key = first ? `reply:${turn.messageId}` : `reply:${turn.messageId}:late`;
  await deps.deliver({
    key,
    platform: turn.platform,
    channel: turn.channel,
    ...(turn.thread ? { thread: turn.thread } : {}),
    body: {
      text: reply.text,
      citations: reply.citations,
      buttons: reply.buttons,
      ticket: reply.ticket,
      lang: reply.lang,
      action: reply.action,
    },
  });
  if (turn.platform !== 'web') {
    // Chat platforms keep their own history; ours keeps the bot's side too, for tickets' transcripts.
    await deps.store.addMessage(turn.conversationId, {
      id: `${turn.platform}:${key}`,
      author: 'bot',
      text: reply.text,
    });
  }
  await settled(deps, turn, outcome);
}

/** The message is answered some other way (relayed, prompted): the watchdog has nothing to guard. */
export async function settle(deps: TurnDeps, turn: InboundTurn, outcome: TurnOutcome): Promise<void> {
  await deps.slots.claim(turn.messageId, outcome, deps.now());
  await settled(deps, turn, outcome);
}

async function settled(deps: TurnDeps, turn: InboundTurn, outcome: TurnOutcome): Promise<void> {
  await deps.runner.remove('inbound', `watchdog:${turn.messageId}`);
  await deps.runner.remove('inbound', `watchdog:${turn.messageId}:late`);
  safely(() => deps.onOutcome?.(outcome, deps.now().getTime() - turn.acceptedAt, turn));
}

async function deliverFallback(deps: TurnDeps, turn: InboundTurn): Promise<void> {
  const { text, lang, buttons } = fallbackReply(turn.text);
  await deps.deliver({
    key: `reply:${turn.messageId}`,
    platform: turn.platform,
    channel: turn.channel,
    ...(turn.thread ? { thread: turn.thread } : {}),
    body: { text, lang, buttons, action: 'clarify' },
  });
  safely(() => deps.onOutcome?.('fallback', deps.now().getTime() - turn.acceptedAt, turn));
}

function outcomeOfReply(reply: BotReply): TurnOutcome {
  if (reply.action === 'ticket') return 'ticketed';
  if (reply.action === 'answered') return 'answered';
  return reply.citations.length === 0 && reply.buttons.length === 0 ? 'greeted' : 'declined';
}

/** Metrics and logging hooks must never break a turn. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch {}
}
