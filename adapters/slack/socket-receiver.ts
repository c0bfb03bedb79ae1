/**
 * Socket Mode (https://docs.slack.dev/apis/events-api/using-socket-mode): Bolt's SocketModeReceiver
 * — its SocketModeClient opens the connection with `apps.connections.open` at our `slack.apiUrl`
 * (passed as installerOptions.clientOptions.slackApiUrl) and reconnects on its own — with one
 * change: an envelope is acked after the listeners finished, not before (deferred-ack.ts). When
 * `accept` fails the envelope is left unacked and Slack redelivers it.
 */
import { type App, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ChannelDeps } from '../../src/inbound/ports.ts';
import { boltLogger } from './bolt-logger.ts';
import { processWithDeferredAck, type SlackRequest } from './deferred-ack.ts';
import { reportUnhandled } from './listeners.ts';
import type { SlackClientOptions } from './web-client.ts';

export interface SlackSocketReceiverOptions {
  /** App-level token (xapp-…) with connections:write. */
  appToken: string;
  /** Options of the client that calls apps.connections.open (slackApiUrl above all). */
  clientOptions: SlackClientOptions;
  logger: Logger;
  metrics: ChannelDeps['metrics'];
  now: () => number;
  /** Reconnect when the connection drops. @defaultValue true */
  autoReconnectEnabled?: boolean;
}

interface Envelope {
  ack: (response?: unknown) => Promise<void>;
  envelope_id: string;
  type: string;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
}

export class SlackSocketReceiver extends SocketModeReceiver {
  #app: App | undefined;
  readonly #o: SlackSocketReceiverOptions;

  constructor(options: SlackSocketReceiverOptions) {
    super({
      appToken: options.appToken,
      logger: boltLogger(options.logger, 'slack-socket-mode'),
      autoReconnectEnabled: options.autoReconnectEnabled ?? true,
      // A copy: the SocketModeClient writes into the object it is given. No SDK retries: the
      // client's own reconnect loop retries what can be retried.
      installerOptions: { clientOptions: { ...options.clientOptions } },
    });
    this.#o = options;
    // Replace Bolt's envelope handler (which acks events before the listeners run) with ours.
    this.client.removeAllListeners('slack_event');
    this.client.on('slack_event', (envelope: Envelope) => {
      void this.#onEnvelope(envelope);
    });
  }

  override init(app: App): void {
    super.init(app);
    this.#app = app;
  }

  async #onEnvelope(envelope: Envelope): Promise<void> {
    const { logger, metrics } = this.#o;
    const started = performance.now();
    try {
      if (!this.#app || !envelope.body) return;
      const request: SlackRequest = { body: envelope.body };
      if (envelope.retry_num !== undefined) request.retryNum = envelope.retry_num;
      if (envelope.retry_reason !== undefined) request.retryReason = envelope.retry_reason;
      const result = await processWithDeferredAck(this.#app, request);
      if (result.outcome === 'failed') {
        logger.error(
          { err: result.error, platform: 'slack', envelopeId: envelope.envelope_id, type: envelope.type },
          'Slack event could not be queued; envelope left unacked so Slack redelivers',
        );
        return;
      }
      if (result.outcome === 'unacked') reportUnhandled(this.#o, envelope.body);
      const response = result.outcome === 'acked' ? result.response : undefined;
      await envelope.ack(
        response === undefined || response === null || response === '' ? undefined : response,
      );
      metrics.ackSeconds.observe({ platform: 'slack' }, (performance.now() - started) / 1000);
    } catch (err) {
      logger.error(
        { err, platform: 'slack', envelopeId: envelope.envelope_id },
        'Slack Socket Mode envelope failed',
      );
    }
  }
}
