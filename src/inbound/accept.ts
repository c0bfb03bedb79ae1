/**
 * The inbound side of every channel — Lark, Slack and the web chat alike (DESIGN §5 "verify →
 * dedupe → enqueue → ack"): a verified, parsed event is deduplicated by its platform event id,
 * made durable and queued as one `event` job; only then does the channel ack. Nothing is answered
 * here.
 *
 * Durable before the ack, in every mode: every event's job is in Redis (BullMQ) or in the
 * in-process runner's journal before `accept` resolves; a web chat message is also stored in its
 * conversation first (the employee sees it at once, and the recovery sweep finds it if its job is
 * ever lost or could not be queued at all). A message addressed to the bot also gets its never-silent
 * watchdog now, so the employee hears from us by the deadline however long the queue is.
 *
 * Deduplication is remembered only once the event is queued: a failure anywhere before makes the
 * call reject (the platform redelivers) and leaves nothing behind that would drop the redelivery as
 * a duplicate. Two deliveries racing past the check add the same job id, which runners keep once.
 */
import { detectLang } from '../assistant/language.ts';
import type { ConversationStore } from '../conversations/types.ts';
import { enqueueDelivery } from '../delivery/deliver-job.ts';
import { DEDUPE_TTL_MS, type EventDeduper, eventKey } from '../idempotency/dedupe.ts';
import type { Requeue } from '../jobs/requeue.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { Lang } from '../knowledge/types.ts';
import type { Backlog } from './backlog.ts';
import { type EventJobOptions, enqueueEvent, INBOUND_QUEUE, type QueuedEvent } from './event-job.ts';
import type { Accept, InboundEvent } from './ports.ts';
import { storable } from './storable-text.ts';
import { conversationId, messageKey, userKey } from './thread-ids.ts';
import { REPLY_DEADLINE_MS, turnOf, WATCHDOG_JOB, type WatchdogData, watchdogId } from './turn.ts';

export interface AcceptDeps extends EventJobOptions {
  runner: Pick<JobRunner, 'add'>;
  deduper: EventDeduper;
  store: Pick<ConversationStore, 'storeInbound'>;
  /** After this long without a reply the employee gets the fallback. @defaultValue REPLY_DEADLINE_MS */
  replyDeadlineMs?: number;
  /** Counts duplicates (platform retries, redeliveries). */
  onDuplicate?: (platform: InboundEvent['platform']) => void;
  /**
   * The deduplication store could not be asked or told (Redis down): the event is taken as new, and
   * a redelivery may run its idempotent job once more. For the log.
   */
  onDedupeError?: (err: unknown, event: InboundEvent) => void;
  /**
   * A stored message could not be queued (Redis down): it is acked anyway, since the recovery sweep
   * finds it in the database and queues it again. For the log and metrics.
   */
  onQueueError?: (err: unknown, event: InboundEvent) => void;
  /** Where such a message is tried again as soon as Redis is back, before the sweep would. */
  requeue?: Pick<Requeue, 'later'>;
  /**
   * The turn queue's backlog: with it, a message that would wait longer than `busyAfterMs` for its
   * turn gets an honest "busy, you're in the queue" notice at once; the answer follows as usual.
   */
  backlog?: Backlog;
  /** @defaultValue BUSY_AFTER_MS */
  busyAfterMs?: number;
  /** Told of each busy notice sent (metrics). */
  onBusy?: (event: InboundEvent) => void;
  now?: () => number;
}

/**
 * A message expected to wait longer than this for its turn (and so for the last second or two:
 * sustained overload, not a burst) gets the busy notice: a third of the
 * reply deadline, so the employee hears from us well before the fallback would come.
 */
export const BUSY_AFTER_MS = 5000;

/**
 * Fewer messages than this waiting is no overload, whatever the estimate says: a rate measured over
 * a few seconds of a handful of turns is noise.
 */
export const BUSY_MIN_WAITING = 10;

export const BUSY_TEXT: Record<Lang, (ahead: number) => string> = {
  en: (ahead) =>
    `We're busy right now — your question is in the queue${ahead > 1 ? ` (${ahead} ahead of it)` : ''}, and I'll answer it as soon as I can.`,
  zh: (ahead) =>
    `现在咨询的人比较多，你的问题已在排队${ahead > 1 ? `（前面还有 ${ahead} 条）` : ''}，我会尽快回复。`,
};

/** A message the bot is asked to answer: addressed to it, with something to read. */
export const isAddressedMessage = (e: InboundEvent) => e.kind === 'message' && e.addressed && !!e.text.trim();

export function createAccept(deps: AcceptDeps): Accept {
  const now = deps.now ?? Date.now;
  return async (received) => {
    // The database never discovers invalid text: it is replaced before anything is stored.
    const event = storable(received);
    const key = eventKey(event.platform, event.tenant || '-', event.eventId);
    // Dedupe saves work; it is not what keeps effects single (job and message ids are). When it
    // cannot be asked (Redis down) the event goes on as new rather than being refused.
    const seen = await deps.deduper.seen(key).catch((err: unknown) => {
      deps.onDedupeError?.(err, event);
      return false;
    });
    if (seen) {
      deps.onDuplicate?.(event.platform);
      return 'duplicate';
    }
    const queued: QueuedEvent = { event, acceptedAt: now() };
    const watched = isAddressedMessage(event);
    // The web chat's conversation is the employee's view of it: their message is stored before the
    // 202. Chat platforms keep their own history, so theirs is stored by the event job and their
    // ack waits on nothing but the queue (the journal or Redis).
    const stored = watched && event.platform === 'web';
    if (stored) {
      await deps.store.storeInbound({
        threadId: conversationId(event),
        userId: userKey(event),
        platform: event.platform,
        id: messageKey(event),
        text: event.text.trim(),
        inbound: event,
      });
    }
    const queue = async () => {
      if (watched) {
        // The watchdog first: if adding the event's job fails half-way, the employee still hears from us.
        const deadlineMs = deps.replyDeadlineMs ?? REPLY_DEADLINE_MS;
        await deps.runner.add<WatchdogData>(INBOUND_QUEUE, {
          name: WATCHDOG_JOB,
          id: watchdogId(event),
          // Due at the same moment however late it is queued (at once if that has passed).
          delayMs: Math.max(0, queued.acceptedAt + deadlineMs - now()),
          data: { ...turnOf(event, queued.acceptedAt), dueAt: queued.acceptedAt + deadlineMs },
        });
      }
      await enqueueEvent(deps.runner, queued, deps);
    };
    try {
      await queue();
      if (deps.backlog) await countIn(deps, deps.backlog, event, queued.acceptedAt, watched);
    } catch (err) {
      // A stored message is durable already: the recovery sweep queues it once the queue is back,
      // and this process tries again sooner (both add the same job ids).
      if (!stored) throw err;
      deps.onQueueError?.(err, event);
      deps.requeue?.later(key, queue);
    }
    await deps.deduper.remember(key, DEDUPE_TTL_MS[event.platform]).catch((err: unknown) => {
      deps.onDedupeError?.(err, event);
    });
    return 'queued';
  };
}

/**
 * Counts the event into the backlog and, for a message the bot must answer, queues the busy notice
 * (its own delivery, keyed by the message) when its wait looks long.
 */
async function countIn(
  deps: AcceptDeps,
  backlog: Backlog,
  event: InboundEvent,
  acceptedAt: number,
  watched: boolean,
): Promise<void> {
  const { waiting, estimatedWaitMs } = backlog.report();
  backlog.arrived();
  if (!watched || waiting < BUSY_MIN_WAITING || estimatedWaitMs <= (deps.busyAfterMs ?? BUSY_AFTER_MS))
    return;
  const turn = turnOf(event, acceptedAt);
  const lang = detectLang(turn.text);
  await enqueueDelivery(deps.runner, {
    key: `busy:${turn.messageId}`,
    platform: turn.platform,
    channel: turn.channel,
    ...(turn.thread ? { thread: turn.thread } : {}),
    body: { text: BUSY_TEXT[lang](waiting), lang },
  });
  deps.onBusy?.(event);
}
