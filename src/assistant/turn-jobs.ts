/**
 * Turns as jobs (DESIGN §5 "ack first, work later", §7 "never silent"). An adapter stores the
 * inbound message, calls `submitTurn` and acks. A `turn` job (grouped by conversation, so one
 * thread's turns keep their order) runs the assistant and hands the reply to delivery; a `watchdog`
 * job fires after the deadline and, if nothing has answered yet, delivers a fallback. Whoever takes
 * the reply slot first posts under `reply:<message id>`; a late answer goes out as a follow-up.
 */

import type { OutboundMessage } from '../inbound/ports.ts';
import type { JobContext, JobRunner } from '../jobs/types.ts';
import { fallbackReply } from './fallback.ts';
import type { ReplySlots, TurnOutcome } from './turn-outcomes.ts';
import type { Assistant, BotReply } from './types.ts';

export interface InboundTurn {
  platform: OutboundMessage['platform'];
  /** Conversation (thread) id in our store: turns of one conversation run in order. */
  conversationId: string;
  /** The stored inbound message: its id keys the reply. */
  messageId: string;
  userId: string;
  text: string;
  /** Where the reply goes (web: the thread id; Slack: channel; Lark: chat). */
  channel: string;
  /** Platform thread to reply in, if any. */
  thread?: string;
  /** When the adapter accepted it (ms since epoch), for reply-latency metrics. */
  acceptedAt: number;
}

export interface TurnJobsDeps {
  runner: JobRunner;
  assistant: Assistant;
  slots: ReplySlots;
  /** Hands a message to delivery (enqueueDelivery on the outbound queue, or a direct call in tests). */
  deliver: (msg: OutboundMessage) => Promise<void>;
  now: () => Date;
  /** Every finished turn, with its outcome and how long from acceptance to reply. */
  onOutcome?: (outcome: TurnOutcome, ms: number, turn: InboundTurn) => void;
  /** Every failed turn attempt or fallback, with a short reason code. */
  onFailure?: (reason: 'error' | 'timeout', turn: InboundTurn, err?: unknown) => void;
  /**
   * Asked before the assistant: true when the message belongs to a thread an engineer holds (the
   * bridge has relayed it), so the assistant stays quiet. Must be idempotent (a retried turn asks
   * again).
   */
  intercept?: (turn: InboundTurn) => Promise<boolean>;
}

/** @defaultValue 15 s: after this long without a reply the employee gets the fallback. */
export const REPLY_DEADLINE_MS = 15_000;

export function registerTurnJobs(given: TurnJobsDeps): void {
  // Metrics and logging hooks must never break a turn.
  const safe =
    <A extends unknown[]>(fn?: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn?.(...args);
      } catch {}
    };
  const deps = { ...given, onOutcome: safe(given.onOutcome), onFailure: safe(given.onFailure) };
  deps.runner.register<InboundTurn>('inbound', 'turn', (turn, ctx) => runTurn(deps, turn, ctx));
  deps.runner.register<InboundTurn>('inbound', 'watchdog', (turn) => watchdog(deps, turn));
}

export interface SubmitOptions {
  /** @defaultValue REPLY_DEADLINE_MS */
  deadlineMs?: number;
  /** Tries of the turn before the fallback. @defaultValue 3 */
  attempts?: number;
  /** @defaultValue 500 */
  backoffMs?: number;
}

export async function submitTurn(
  runner: JobRunner,
  turn: InboundTurn,
  options: SubmitOptions = {},
): Promise<void> {
  // The watchdog first: if adding the turn fails half-way, the employee still hears from us.
  await runner.add('inbound', {
    name: 'watchdog',
    id: `watchdog:${turn.messageId}`,
    delayMs: options.deadlineMs ?? REPLY_DEADLINE_MS,
    data: turn,
  });
  await runner.add('inbound', {
    name: 'turn',
    id: `turn:${turn.messageId}`,
    group: `conversation:${turn.conversationId}`,
    data: turn,
    attempts: options.attempts ?? 3,
    backoffMs: options.backoffMs ?? 500,
  });
}

async function runTurn(deps: TurnJobsDeps, turn: InboundTurn, ctx: JobContext): Promise<void> {
  if (await deps.intercept?.(turn)) {
    await deps.slots.claim(turn.messageId, 'relayed', deps.now());
    await deps.runner.remove('inbound', `watchdog:${turn.messageId}`);
    deps.onOutcome?.('relayed', deps.now().getTime() - turn.acceptedAt, turn);
    return;
  }
  let reply: BotReply;
  try {
    reply = await deps.assistant.reply({
      userId: turn.userId,
      threadId: turn.conversationId,
      text: turn.text,
    });
    if (!reply.text?.trim()) throw new Error('the assistant produced an empty reply');
  } catch (err) {
    deps.onFailure?.('error', turn, err);
    if (!ctx.final) throw err;
    // Out of tries: the employee hears from us now rather than when the watchdog fires.
    return fallback(deps, turn, 'error');
  }
  const outcome = outcomeOfReply(reply);
  const first = await deps.slots.claim(turn.messageId, outcome, deps.now());
  await deps.deliver({
    key: first ? `reply:${turn.messageId}` : `reply:${turn.messageId}:late`,
    platform: turn.platform,
    channel: turn.channel,
    thread: turn.thread,
    body: {
      text: reply.text,
      citations: reply.citations,
      buttons: reply.buttons,
      ticket: reply.ticket,
      lang: reply.lang,
      action: reply.action,
    },
  });
  // The answer is out: the watchdog has nothing left to guard.
  await deps.runner.remove('inbound', `watchdog:${turn.messageId}`);
  deps.onOutcome?.(outcome, deps.now().getTime() - turn.acceptedAt, turn);
}

async function watchdog(deps: TurnJobsDeps, turn: InboundTurn): Promise<void> {
  if (await deps.slots.claim(turn.messageId, 'fallback', deps.now(), 'timeout')) {
    deps.onFailure?.('timeout', turn);
    await deliverFallback(deps, turn);
  }
}

async function fallback(deps: TurnJobsDeps, turn: InboundTurn, reason: string): Promise<void> {
  if (await deps.slots.claim(turn.messageId, 'fallback', deps.now(), reason))
    await deliverFallback(deps, turn);
}

async function deliverFallback(deps: TurnJobsDeps, turn: InboundTurn): Promise<void> {
  const { text, lang, buttons } = fallbackReply(turn.text);
  await deps.deliver({
    key: `reply:${turn.messageId}`,
    platform: turn.platform,
    channel: turn.channel,
    thread: turn.thread,
    body: { text, lang, buttons, action: 'clarify' },
  });
  deps.onOutcome?.('fallback', deps.now().getTime() - turn.acceptedAt, turn);
}

function outcomeOfReply(reply: BotReply): TurnOutcome {
  if (reply.action === 'ticket') return 'ticketed';
  if (reply.action === 'answered') return 'answered';
  return reply.citations.length === 0 && reply.buttons.length === 0 ? 'greeted' : 'declined';
}
