/**
 * Delivery as the rest of the core sees it: `deliver(msg)` puts a message on the outbound queue
 * (rate-limited, ordered per chat, retried, never posted twice — deliver-job.ts), and `onSent`
 * listeners hear of each message once the platform has it (a triage card's reference becomes the
 * thread its replies are relayed from). Every channel, the web chat included, goes this way.
 */
import type { OutboundMessage } from '../inbound/ports.ts';
import type { JobRunner } from '../jobs/types.ts';
import {
  createDeliveryHandler,
  DELIVERY_JOB,
  DELIVERY_QUEUE,
  type DeliveryHandlerOptions,
  enqueueDelivery,
} from './deliver-job.ts';

/** Hands a message to delivery. */
export type Deliver = (msg: OutboundMessage) => Promise<void>;

/** Told of a message once posted, with the platform's reference; an error retries the delivery job. */
export type SentListener = (msg: OutboundMessage, ref: string) => Promise<void> | void;

export interface Delivery {
  deliver: Deliver;
  /** Adds a listener for every message sent from now on. */
  onSent(listener: SentListener): void;
}

export function createDelivery(
  runner: Pick<JobRunner, 'add' | 'register'>,
  options: Omit<DeliveryHandlerOptions, 'onSent'>,
): Delivery {
  const listeners: SentListener[] = [];
  runner.register<OutboundMessage>(
    DELIVERY_QUEUE,
    DELIVERY_JOB,
    createDeliveryHandler({
      ...options,
      onSent: async (msg, ref) => {
        for (const listener of listeners) await listener(msg, ref);
      },
    }),
  );
  return {
    deliver: async (msg) => {
      await enqueueDelivery(runner, msg);
    },
    onSent: (listener) => {
      listeners.push(listener);
    },
  };
}
