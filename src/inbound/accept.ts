/**
 * The inbound side of every chat platform (DESIGN §5 "ack first, work later"): a verified, parsed
 * event is deduplicated by its platform event id and queued as a `chat-event` job; only then does
 * the adapter ack. Nothing is answered here. When queueing fails the event id is forgotten again, so
 * the platform's redelivery is handled instead of being dropped as a duplicate.
 */
import { DEDUPE_TTL_MS, type EventDeduper, eventKey } from '../idempotency/dedupe.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { AcceptResult, InboundEvent } from './ports.ts';

export const CHAT_EVENT_QUEUE = 'inbound';
export const CHAT_EVENT_JOB = 'chat-event';

/** What the chat-event job receives: the event and when we accepted it (for reply latency). */
export interface QueuedEvent {
  event: InboundEvent;
  acceptedAt: number;
}

export interface AcceptDeps {
  runner: Pick<JobRunner, 'add'>;
  deduper: EventDeduper;
  /** Counts duplicates (platform retries, redeliveries). */
  onDuplicate?: (platform: InboundEvent['platform']) => void;
  now?: () => number;
}

export function createAccept(deps: AcceptDeps): (event: InboundEvent) => Promise<AcceptResult> {
  const now = deps.now ?? Date.now;
  return async (event) => {
    const key = eventKey(event.platform, event.tenant || '-', event.eventId);
    if (!(await deps.deduper.firstSeen(key, DEDUPE_TTL_MS[event.platform]))) {
      deps.onDuplicate?.(event.platform);
      return 'duplicate';
    }
    try {
      await deps.runner.add<QueuedEvent>(CHAT_EVENT_QUEUE, {
        name: CHAT_EVENT_JOB,
        id: `event:${key}`,
        // One chat's events run in order: a reply is relayed after the message it answers.
        group: `chat:${event.platform}:${event.chat}`,
        data: { event, acceptedAt: now() },
        attempts: 5,
        backoffMs: 500,
      });
    } catch (err) {
      await deps.deduper.forget(key).catch(() => {});
      throw err;
    }
    return 'queued';
  };
}
