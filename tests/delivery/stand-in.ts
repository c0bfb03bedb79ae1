/**
 * A local stand-in for a platform's send API (Slack's and Lark's servers cannot run here): records
 * what it posted and fails on cue, answering the way the platform would (status, Retry-After).
 */
import type { DeliveryMetrics } from '../../src/delivery/deliver-job.ts';
import type { Deliverer, OutboundMessage, Platform } from '../../src/inbound/ports.ts';

export type Cue = 'ok' | Error | (() => Error);

export class StandInDeliverer implements Deliverer {
  readonly platform: Platform;
  /** Messages posted, in order. */
  readonly posted: OutboundMessage[] = [];
  readonly postedAt: number[] = [];
  readonly updates: Array<{ ref: string; msg: OutboundMessage }> = [];
  /** Every call to send, including failed ones. */
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  readonly #cues: Cue[] = [];
  readonly #latencyMs: number;

  constructor(platform: Platform = 'slack', options: { latencyMs?: number } = {}) {
    this.platform = platform;
    this.#latencyMs = options.latencyMs ?? 0;
  }

  /** The next calls answer these, in order; then every call succeeds. */
  cue(...cues: Cue[]): this {
    this.#cues.push(...cues);
    return this;
  }

  async send(msg: OutboundMessage): Promise<{ ref: string }> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.#latencyMs) await new Promise((r) => setTimeout(r, this.#latencyMs));
      const cue = this.#cues.shift() ?? 'ok';
      if (cue !== 'ok') throw typeof cue === 'function' ? cue() : cue;
      this.posted.push(structuredClone(msg));
      this.postedAt.push(Date.now());
      return { ref: `${msg.channel}:${this.posted.length}` };
    } finally {
      this.inFlight--;
    }
  }

  texts(): string[] {
    return this.posted.map((m) => m.body.text);
  }
}

/** A Deliverer that can also edit messages in place. */
export class EditingStandIn extends StandInDeliverer {
  async update(ref: string, msg: OutboundMessage): Promise<void> {
    this.calls++;
    this.updates.push({ ref, msg: structuredClone(msg) });
  }
}

export function message(n: number | string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    key: `reply:m${n}`,
    platform: 'slack',
    channel: 'C1',
    body: { text: `answer ${n}` },
    ...overrides,
  };
}

/** DeliveryMetrics that remember what they were told, as `platform:reason`. */
export function recordingMetrics() {
  const seen = { failures: [] as string[], retries: [] as string[], delivered: [] as string[] };
  const metrics: DeliveryMetrics = {
    deliveryFailure: (platform, reason) => void seen.failures.push(`${platform}:${reason}`),
    deliveryRetry: (platform, reason) => void seen.retries.push(`${platform}:${reason}`),
    delivered: (platform) => void seen.delivered.push(platform),
  };
  return { ...seen, metrics };
}
