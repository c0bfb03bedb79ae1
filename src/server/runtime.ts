/**
 * Everything a running Helpline needs, composed once from the config: the KB, the database, the
 * conversation store, tickets with SLA clocks and timers, triage, the job runner with the turn,
 * delivery and timer jobs, and metrics. `helpline serve`, `helpline worker` and the end-to-end
 * tests build the same thing.
 */
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { findUnanswered, type RecoverOptions } from '../assistant/recover-turns.ts';
import { createTurnHandler } from '../assistant/turn.ts';
import {
  type InboundTurn,
  registerTurnJobs,
  type SubmitOptions,
  submitTurn,
} from '../assistant/turn-jobs.ts';
import { SqlReplySlots } from '../assistant/turn-outcomes.ts';
import type { Assistant } from '../assistant/types.ts';
import type { Config } from '../config/schema.ts';
import { PgConversationStore } from '../conversations/pg-store.ts';
import type { ConversationStore } from '../conversations/types.ts';
import {
  createDeliveryHandler,
  DELIVERY_JOB,
  DELIVERY_QUEUE,
  enqueueDelivery,
} from '../delivery/deliver-job.ts';
import { SqlDeliveryLog } from '../delivery/delivery-log.ts';
import { MemoryRateLimiter, RedisRateLimiter } from '../delivery/rate-limit.ts';
import { WebDeliverer } from '../delivery/web-deliverer.ts';
import { cardTicketId, createHandoff, type Handoff } from '../handoff/actions.ts';
import { registerHandoffJobs, withTriageCards } from '../handoff/handoff-jobs.ts';
import { createRelay } from '../handoff/relay.ts';
import { createSlaNotifier } from '../handoff/sla-notices.ts';
import { ThreadLinks } from '../handoff/thread-links.ts';
import { MemoryDeduper, RedisDeduper } from '../idempotency/dedupe.ts';
import { createAccept } from '../inbound/accept.ts';
import { registerChatEventJob } from '../inbound/handle-event.ts';
import type { ChannelDeps, ChatChannel, Deliverer, InboundEvent, OutboundMessage } from '../inbound/ports.ts';
import { recordFeedback } from '../insights/feedback.ts';
import { openJobRunner } from '../jobs/open-runner.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { OpenedKb } from '../knowledge/open-kb.ts';
import type { ChatModel } from '../llm/chat-model.ts';
import { createMetrics, jobRunnerEvents, type Metrics } from '../ops/metrics.ts';
import { withBuiltinCalendars } from '../sla/calendars/builtin.ts';
import { slaOps } from '../sla/ops.ts';
import type { BusinessCalendar, CalendarSet } from '../sla/types.ts';
import { createSlaTimers, type SlaNotify, type SlaTimers } from '../sla-timers/index.ts';
import { withSlaTimers } from '../sla-timers/with-timers.ts';
import type { Database } from '../store/database.ts';
import { describeDatabase, openDatabase } from '../store/open-database.ts';
import { createTicketService, type TicketService } from '../tickets/ticket-service.ts';
import type { Ticket } from '../tickets/types.ts';
import { classify } from '../triage/classify.ts';
import { getTriageModel } from '../triage/triage-model.ts';
import type { Category } from '../triage/types.ts';
import { describeTicket } from './describe-ticket.ts';

export interface Runtime {
  db: Database;
  store: ConversationStore;
  tickets: TicketService;
  assistant: Assistant;
  runner: JobRunner;
  timers: SlaTimers;
  metrics: Metrics;
  calendars: CalendarSet;
  databaseLabel: string;
  /** The chat platforms configured (Lark, Slack): their routes are mounted, `start` connects them. */
  channels: ChatChannel[];
  handoff: Handoff;
  /** Deduplicates and queues a verified chat platform event (what channels call before acking). */
  accept(event: InboundEvent): Promise<'queued' | 'duplicate'>;
  /** Accepts an inbound turn: the answer or the fallback reaches the channel through delivery. */
  submit(turn: InboundTurn): Promise<void>;
  /** Starts the workers (turns, deliveries, timers) in this process. */
  startWorkers(): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeDeps {
  config: Config;
  opened: OpenedKb;
  chat?: ChatModel;
  logger: Logger;
  now?: () => Date;
  /** Use this database instead of opening one from the config (tests). */
  db?: Database;
  /** Use this runner instead of opening one from the config (tests). */
  runner?: JobRunner;
  metrics?: Metrics;
  submitOptions?: SubmitOptions;
  /**
   * How often the SLA timers are swept (rebuilt from the database). Workers also re-add the next
   * sweep this often, so a Redis that comes back without its data (no persistence, a failover)
   * has every timer again within two periods. @defaultValue 60000
   */
  sweepEveryMs?: number;
  /** Which unanswered messages are submitted again at start and every sweep period. */
  recover?: RecoverOptions;
  /** The chat platforms (serve and worker pass channelsFromConfig). @defaultValue none */
  channels?: (deps: ChannelDeps) => ChatChannel[];
}

/** A web chat turn as the inbound event the bridge reads (the web thread is its own chat). */
function webMessageEvent(turn: InboundTurn): InboundEvent {
  return {
    platform: 'web',
    tenant: 'web',
    chat: turn.conversationId,
    chatType: 'dm',
    thread: turn.conversationId,
    messageId: turn.messageId,
    user: turn.userId,
    text: turn.text,
    mentions: [],
    addressed: true,
    eventId: turn.messageId,
    kind: 'message',
  };
}

export async function createRuntime(deps: RuntimeDeps): Promise<Runtime> {
  const { config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const where = { url: config.database.url, dataDir: resolve(config.data.dir) };
  const db =
    deps.db ??
    (await openDatabase({
      ...where,
      onIdleError: (err) => logger.warn({ err }, 'database connection dropped'),
    }));
  const metrics = deps.metrics ?? createMetrics();
  const runner =
    deps.runner ??
    (await openJobRunner({
      redisUrl: config.redis.url,
      journalPath: join(resolve(config.data.dir), 'jobs.journal'),
      events: jobRunnerEvents(metrics),
      onError: (err, job) => logger.warn({ err, job }, 'job failed'),
    }));
  metrics.watchQueues(() => runner.counts());
  // Train the triage model now, not on the first employee's message.
  getTriageModel();

  const calendars = withBuiltinCalendars(config.sla.calendars as unknown as BusinessCalendar[]);
  const sla = slaOps(config.sla.policy, calendars);
  const store = new PgConversationStore({ db, now });

  // Delivery: every reply and notice goes out through the rate-limited, idempotent outbound queue.
  const redis = config.redis.url ? new Redis(config.redis.url, { maxRetriesPerRequest: 2 }) : undefined;
  // Unheard, ioredis prints every failed reconnect to stderr, past the logger's masking.
  redis?.on('error', (err) => logger.warn({ err }, 'rate-limit Redis connection failed'));
  // Chat platforms: verified events are deduplicated and queued before the platform is acked.
  const deduper = redis ? new RedisDeduper({ redis }) : new MemoryDeduper();
  // Duplicates are counted by the channels (they see every redelivery, including their own).
  const accept = createAccept({ runner, deduper });
  const channelDeps: ChannelDeps = { accept, logger, metrics };
  const channels = deps.channels?.(channelDeps) ?? [];
  const deliverers: Partial<Record<OutboundMessage['platform'], Deliverer>> = {
    web: new WebDeliverer({ store }),
  };
  for (const ch of channels) deliverers[ch.platform] = ch.deliverer;
  const profiles = (platform: string) => channels.find((ch) => ch.platform === platform)?.profiles;
  // Set once the handoff exists (it needs `deliver`, defined below).
  let handoffRef: Handoff | undefined;
  const deliverNow = createDeliveryHandler({
    deliverers,
    onSent: async (msg, ref) => {
      // The triage card is out: its thread is where engineers reply.
      const ticketId = cardTicketId(msg.key);
      if (!ticketId || msg.updateOf || !handoffRef) return;
      await handoffRef.attachTriageThread(
        ticketId,
        ref.startsWith(`${msg.channel}:`) ? ref.slice(msg.channel.length + 1) : ref,
      );
    },
    limiter: redis ? new RedisRateLimiter({ redis }) : new MemoryRateLimiter(),
    log: new SqlDeliveryLog({ db, now }),
    metrics: { deliveryFailure: (platform, reason) => metrics.deliveryFailures.inc({ platform, reason }) },
  });
  runner.register<OutboundMessage>(DELIVERY_QUEUE, DELIVERY_JOB, deliverNow);
  // Web chat has no rate limit and no remote API: its replies are delivered inside the turn job
  // (same idempotency log, a failure retries the turn), saving the outbound queue's round trips.
  // Chat platforms go through the rate-limited, per-channel-ordered outbound queue.
  const deliver = async (msg: OutboundMessage) => {
    if (msg.platform !== 'web') {
      await enqueueDelivery(runner, msg);
      return;
    }
    await deliverNow(msg, {
      id: `deliver:${msg.key}`,
      queue: DELIVERY_QUEUE,
      name: DELIVERY_JOB,
      attempt: 1,
      final: false,
    });
  };

  const baseTickets = createTicketService({ db, now, sla });
  const links = new ThreadLinks(db, now);
  const triageLang = config.handoff.lang;
  const nameOf = async (platform: string, userId: string) =>
    (
      await profiles(platform)
        ?.profile(userId)
        .catch(() => undefined)
    )?.name;
  let notifySla: SlaNotify | undefined;
  const timers = createSlaTimers({
    runner,
    tickets: baseTickets,
    calendars,
    sla,
    now,
    // Logged always; posted to the ticket's triage thread when it has one.
    notify: async (n) => {
      logger.warn(
        { ticketId: n.ticket.id, ticket: n.ticket.number, kind: n.kind, recipient: n.recipient },
        `SLA ${n.kind}`,
      );
      await notifySla?.(n);
    },
    onEvent: (kind, severity) =>
      metrics.slaEvents.inc({ kind: kind === 'warn' ? 'warning' : 'breach', severity }),
    onError: (err, context) => logger.warn({ err }, context),
    sweepEveryMs: deps.sweepEveryMs,
  });
  timers.register();
  const timedTickets = withSlaTimers(baseTickets, timers, (err) =>
    logger.warn({ err }, 'SLA timers not synced'),
  );
  // Counts every ticket opened; the rest of the service is the timed one, unchanged.
  const counted: TicketService = Object.create(timedTickets);
  counted.open = async (input) => {
    const t = await timedTickets.open(input);
    metrics.tickets.inc({ severity: t.severity, category: t.category as Category });
    return t;
  };
  // Every ticket's card in its triage channel, posted on open and updated on every change.
  const routes = config.handoff.routes;
  const tickets = withTriageCards(counted, runner, (err) => logger.warn({ err }, 'triage card not queued'));
  const describe = (ticket: Ticket) => describeTicket(ticket, { profiles, calendars, triageLang });
  const handoff = createHandoff({ tickets, links, deliver, now, triageLang, describe, nameOf });
  handoffRef = handoff;
  notifySla = createSlaNotifier({ links, deliver, handoff, triageLang, nameOf });
  registerHandoffJobs(runner, { handoff, tickets, links, routes, logger });
  const relay = createRelay({ tickets, links, deliver, triageLang });

  const assistant = createTurnHandler({
    kb: deps.opened.kb,
    chat: deps.chat,
    k: config.retrieval.k,
    classify,
    tickets,
    db,
    history: async (threadId) =>
      (await store.listMessages(threadId))
        .slice(-20)
        .map((m) => ({ author: m.author, text: m.text, at: m.createdAt })),
    sla: { policy: config.sla.policy, calendars },
    incidents: {
      windowMs: config.incidents.windowMinutes * 60_000,
      minSimilarity: config.incidents.minSimilarity,
    },
    roleOf: (userId) => config.roles[userId] ?? config.roles[`web:${userId}`],
    now,
    onFallback: (reason, err) => logger.warn({ reason, err }, 'answer fell back to extractive'),
  });
  registerTurnJobs({
    runner,
    assistant,
    slots: new SqlReplySlots(db),
    // The web chat's messages reach the bridge here (chat platforms' do in the chat-event job).
    intercept: async (turn) =>
      turn.platform === 'web' && (await relay.relayMessage(webMessageEvent(turn))).quiet,
    deliver: async (msg) => {
      await deliver(msg);
      // Chat platforms keep their own history; ours keeps the bot's side too, for tickets' transcripts.
      if (msg.platform !== 'web' && msg.thread) {
        const threadId = `${msg.platform}:${msg.channel}:${msg.thread}`;
        await store
          .addMessage(threadId, { id: `${msg.platform}:${msg.key}`, author: 'bot', text: msg.body.text })
          .catch((err) => logger.debug({ err, threadId }, 'bot reply not kept in the conversation'));
      }
    },
    now,
    onOutcome: (outcome, ms, turn) => {
      metrics.turns.inc({ outcome });
      metrics.replySeconds.observe({ platform: turn.platform }, ms / 1000);
    },
    onFailure: (reason, turn, err) => {
      metrics.turnFailures.inc({ reason });
      logger.warn({ err, reason, threadId: turn.conversationId, messageId: turn.messageId }, 'turn failed');
    },
  });

  registerChatEventJob(runner, {
    store,
    tickets,
    relay,
    handoff,
    deliver,
    submit: (turn) => submitTurn(runner, turn, deps.submitOptions),
    recordFeedback: (f) => recordFeedback(db, f),
    classify,
    roleOf: (userKey) => config.roles[userKey],
    usersWithRole: (roles) =>
      Object.entries(config.roles)
        .filter(([, role]) => roles.includes(role))
        .map(([user]) => user),
    now,
    logger,
  });

  let rearm: ReturnType<typeof setInterval> | undefined;
  const recover = async () => {
    const lost = await findUnanswered(db, now(), deps.recover);
    for (const turn of lost) await submitTurn(runner, turn, deps.submitOptions);
    if (lost.length > 0) logger.warn({ count: lost.length }, 'unanswered messages submitted again');
  };
  return {
    db,
    store,
    tickets,
    assistant,
    runner,
    timers,
    metrics,
    calendars,
    databaseLabel: deps.db ? `given (${db.kind})` : describeDatabase(where),
    channels,
    handoff,
    accept,
    submit: (turn) => submitTurn(runner, turn, deps.submitOptions),
    async startWorkers() {
      await runner.start();
      await timers.scheduleSweep();
      // Rebuilds every timer from the database: nothing is lost across restarts or a lost Redis.
      await timers.sweepNow();
      // The sweep chain itself lives in Redis and ends if Redis loses its data; re-adding the next
      // slot's job is a no-op while the chain is intact (one job id per slot for all workers).
      // Likewise turns: a message with no reply outcome is submitted again.
      await recover().catch((err) => logger.warn({ err }, 'unanswered messages not recovered'));
      rearm ??= setInterval(() => {
        timers.scheduleSweep().catch((err) => logger.warn({ err }, 'SLA sweep not scheduled'));
        recover().catch((err) => logger.warn({ err }, 'unanswered messages not recovered'));
      }, deps.sweepEveryMs ?? 60_000);
      rearm.unref();
    },
    async close() {
      clearInterval(rearm);
      await Promise.allSettled(channels.map((ch) => ch.stop()));
      await runner.close();
      await redis?.quit().catch(() => {});
      await db.close();
    },
  };
}
