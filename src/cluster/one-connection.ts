/**
 * A chat channel whose inbound connection must be held by one process of the service (the Lark
 * long connection: Lark gives each event to one of the app's connections, so every `serve`
 * process opening its own would split the events among them with nothing to coordinate). The
 * channel's connection is started by whichever process holds the lease (lease.ts) and stopped
 * when it loses it; the others stand by and take over when the holder dies. Routes, delivery and
 * profiles are untouched: every process still sends and serves webhooks.
 */
import type { Logger } from 'pino';
import type { ChatChannel } from '../inbound/ports.ts';
import type { Lease } from './lease.ts';

export interface OneConnectionOptions {
  /** Builds the lease with the callbacks that start and stop the connection. */
  lease: (callbacks: { onAcquired(): Promise<void>; onLost(): Promise<void> }) => Lease;
  logger: Logger;
  /** Banner label, e.g. "Lark/Feishu". */
  label: string;
  /** Said in the standby line: how soon this process takes over. */
  takeoverS: number;
}

export function oneConnectionAcrossProcesses(
  channel: ChatChannel,
  options: OneConnectionOptions,
): ChatChannel {
  const log = options.logger.child({ platform: channel.platform });
  let starting: Promise<string> | undefined;
  let first = true;
  const lease = options.lease({
    async onAcquired() {
      starting = channel.start();
      // The first start's result goes to the banner; a takeover's to the log.
      if (first) return;
      await starting.then(
        (line) => log.info(`took over the connection: ${line}`),
        (err: unknown) => log.error({ err }, 'took over the connection, but it did not start'),
      );
    },
    async onLost() {
      log.warn('connection stopped: this process no longer holds the lease');
      starting = undefined;
      await channel.stop();
    },
  });
  return {
    ...channel,
    async start() {
      const held = await lease.start();
      first = false;
      if (held && starting) return starting;
      return `${options.label}: standby — another process holds the connection; this one takes over within ${options.takeoverS} s if that one stops`;
    },
    async stop() {
      await lease.stop();
    },
  };
}
