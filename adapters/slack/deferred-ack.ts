/**
 * Runs one Slack request through the Bolt app, holding the ack until every listener has finished.
 * Bolt acks Events API requests before its listeners run; we must not: an event is acked only once
 * `accept` has queued it (DESIGN §7 "a crash loses no accepted event"), so that a failure leaves
 * Slack to redeliver. The ack is recorded here and sent by the receiver after processing — the
 * same order as Bolt's `processBeforeResponse`, for both HTTP and Socket Mode.
 */
import { type App, ReceiverMultipleAckError } from '@slack/bolt';

export type Processed =
  /** A listener acked; `response` is what it acked with (a view's response_action, a text). */
  | { outcome: 'acked'; response: unknown }
  /** No listener took it (a payload type or callback we do not handle). */
  | { outcome: 'unacked' }
  /** A listener failed (accept could not queue): do not ack, let Slack redeliver. */
  | { outcome: 'failed'; error: unknown };

export interface SlackRequest {
  body: Record<string, unknown>;
  retryNum?: number;
  retryReason?: string;
}

export async function processWithDeferredAck(app: App, request: SlackRequest): Promise<Processed> {
  let acked = false;
  let response: unknown;
  const ack = async (body?: unknown): Promise<void> => {
    if (acked) throw new ReceiverMultipleAckError();
    acked = true;
    response = body;
  };
  try {
    await app.processEvent({ ...request, ack });
  } catch (error) {
    return { outcome: 'failed', error: unwrap(error) };
  }
  return acked ? { outcome: 'acked', response } : { outcome: 'unacked' };
}

/** Bolt wraps uncoded errors as UnknownError { original }; the original is what we log. */
function unwrap(error: unknown): unknown {
  const original = (error as { original?: unknown })?.original;
  return original instanceof Error ? original : error;
}
