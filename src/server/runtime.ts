/**
 * The composition root: everything a running Helpline needs, built once from the config in the
 * order the data flows — engines (infrastructure.ts) → conversations and `accept` → the channels
 * (web chat, Lark, Slack) → delivery → tickets, SLA timers and handoff (ticket-desk.ts) → the
 * assistant → the one inbound `event` job. `helpline serve`, `helpline worker` and the end-to-end
 * tests build the same thing; tests may swap the engines, the channels or the assistant.
 */
import type { Logger } from 'pino';
import { configuredRole, createPeople, type People } from '../access/people.ts';
import { createTurnHandler } from '../assistant/turn.ts';
import type { Assistant } from '../assistant/types.ts';
import type { Config } from '../config/schema.ts';
import { pgMessageFeed } from '../conversations/message-feed.ts';
import { PgConversationStore } from '../conversations/pg-store.ts';
import type { ConversationStore } from '../conversations/types.ts';
import { createDelivery, type Deliver } from '../delivery/delivery.ts';
import { SqlDeliveryLog } from '../delivery/delivery-log.ts';
import type { RateLimiter } from '../delivery/rate-limit.ts';
import { createAccept } from '../inbound/accept.ts';
import { Backlog } from '../inbound/backlog.ts';
import { registerEventJob } from '../inbound/event-job.ts';
import type { Accept, ChannelDeps, ChatChannel, Deliverer, Platform } from '../inbound/ports.ts';
import { SqlReplySlots } from '../inbound/reply-slots.ts';
import { userKey } from '../inbound/thread-ids.ts';
import { recordFeedback } from '../insights/feedback.ts';
import { createRequeue } from '../jobs/requeue.ts';
import type { JobRunner } from '../jobs/types.ts';
import { rationQuestions, TURN_SHARE } from '../knowledge/meaning/sentence-encoder.ts';
import type { OpenedKb } from '../knowledge/open-kb.ts';
import { createKbReloader, type KbReloader } from '../knowledge/upkeep/kb-reloader.ts';
import type { ChatModel } from '../llm/chat-model.ts';
import { backlogMetrics, type Metrics, meaningMetrics } from '../ops/metrics.ts';
import type { ShutdownStep } from '../ops/shutdown.ts';
import type { CalendarSet } from '../sla/types.ts';
import type { SlaTimers } from '../sla-timers/index.ts';
import { type Database, urgentView } from '../store/database.ts';
import type { PostgresDatabase } from '../store/postgres.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import { classify } from '../triage/classify.ts';
import { triageChatModelFor } from '../triage/llm-chat-model.ts';
import { classifyWithLlm } from '../triage/llm-classify.ts';
import { triageLlmMetrics } from '../triage/llm-metrics.ts';
import { getTriageModel } from '../triage/triage-model.ts';
import { openInfrastructure } from './infrastructure.ts';
import { type RecoveryOptions, startRecovery } from './recovery.ts';
import { createTicketDesk, type TicketDesk } from './ticket-desk.ts';

export interface Runtime {
  db: Database;
  store: ConversationStore;
  tickets: TicketService;
  assistant: Assistant;
  runner: JobRunner;
  timers: SlaTimers;
  metrics: Metrics;
  calendars: CalendarSet;
  /** Token buckets (on Redis when REDIS_URL is set): outbound platform limits and abuse limits. */
  limiter: RateLimiter;
  databaseLabel: string;
  /** Every channel served (the web chat, and Lark and Slack when configured): routes and connections. */
  channels: ChatChannel[];
  handoff: TicketDesk['handoff'];
  incidents: TicketDesk['incidents'];
  /** Takes a verified event from a channel: deduplicated, stored, queued. */
  accept: Accept;
  /** Hands a message to delivery. */
  deliver: Deliver;
  /** How far behind the turn queue is (for /readyz and the busy notice). */
  backlog: Backlog;
  /** The KB every turn searches, re-indexed on publish and when its folder changes (knowledge upkeep). */
  knowledge: KbReloader;
  /** Starts the workers (events, deliveries, timers) and the recovery sweeps in this process. */
  startWorkers(): Promise<void>;
  /** What graceful shutdown does, in order (src/ops/shutdown.ts): disconnect, drain, close. */
  shutdownSteps(): ShutdownStep[];
  /** Runs the shutdown steps. */
  close(): Promise<void>;
}

/** What an assistant is built from; tests pass their own factory. */
export interface AssistantParts {
  config: Config;
  opened: OpenedKb;
  chat?: ChatModel;
  db: Database;
  store: ConversationStore;
  tickets: TicketService;
  calendars: CalendarSet;
  /** Linked identities and configured roles (one person, one user). */
  people: People;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
}

export interface RuntimeDeps {
  config: Config;
  opened: OpenedKb;
  chat?: ChatModel;
  logger: Logger;
  now?: () => Date;
  /** Use this database instead of opening one from the config (tests). */
  db?: Database;
  /** The configured database, already being opened (openConfiguredDatabase); serve starts it early. */
  opening?: Promise<Database>;
  /** Use this runner instead of opening one from the config (tests). */
  runner?: JobRunner;
  metrics?: Metrics;
  /** @defaultValue the triage + KB assistant (src/assistant/turn.ts) */
  assistant?: (parts: AssistantParts) => Assistant;
  /**
   * The channels served; serve and worker pass channelsFromConfig. `requests` is the same store
   * over the ack's urgent view, for what HTTP requests read and write (a thread's owner, a new
   * thread): a request someone waits on goes before queued turn work. @defaultValue none
   */
  channels?: (
    deps: ChannelDeps,
    store: ConversationStore,
    requests: ConversationStore,
  ) => ChatChannel[] | Promise<ChatChannel[]>;
  /** After this long without a reply the employee gets the fallback. @defaultValue 15 s */
  replyDeadlineMs?: number;
  /** Tries of an inbound event's job. @defaultValue 3 */
  eventAttempts?: number;
  /** How often SLA timers are swept and unanswered messages recovered. */
  recovery?: RecoveryOptions;
}

/** The assistant production runs: triage, then an answer from the KB, a ticket, or a handoff. */
export function defaultAssistant(parts: AssistantParts): Assistant {
  const { config } = parts;
  const triageLlm = triageChatModelFor(config);
  const onReport = triageLlm ? triageLlmMetrics(parts.metrics.registry) : undefined;
  return createTurnHandler({
    // Through `opened`, so a KB re-ingested in the background answers the next turn.
    kb: { search: (query, k) => parts.opened.kb.search(query, k) },
    chat: parts.chat,
    k: config.retrieval.k,
    classify,
    // With an LLM endpoint: its second opinion on incidents and handoffs, offline within the budget.
    secondOpinion: triageLlm
      ? (input, offline) => classifyWithLlm(input, triageLlm, { offline, onReport })
      : undefined,
    tickets: parts.tickets,
    db: parts.db,
    history: async (threadId) =>
      (await parts.store.listMessages(threadId)).slice(-20).map((m) => ({
        id: m.id,
        author: m.author,
        text: m.text,
        at: m.createdAt,
        ...(m.ticket?.id ? { ticketId: m.ticket.id } : {}),
      })),
    sla: { policy: config.sla.policy, calendars: parts.calendars },
    incidents: {
      windowMs: config.incidents.windowMinutes * 60_000,
      minSimilarity: config.incidents.minSimilarity,
    },
    roleOf: async (userId) => {
      const aliases = await parts.people.aliases(userId);
      return configuredRole(config.roles, [...aliases, `web:${userId}`])?.role;
    },
    now: parts.now,
    onFallback: (reason, err) => parts.logger.warn({ reason, err }, 'answer fell back to extractive'),
  });
}

export async function createRuntime(deps: RuntimeDeps): Promise<Runtime> {
  const { config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const infra = await openInfrastructure({
    config,
    logger,
    db: deps.db,
    opening: deps.opening,
    runner: deps.runner,
    metrics: deps.metrics,
  });
  const { db, runner, metrics } = infra;
  // Turns compete for the cores: encoding English questions for search by meaning gets a budget.
  const meaningQuestions = meaningMetrics(metrics.registry);
  rationQuestions(TURN_SHARE, (outcome) => meaningQuestions.inc({ outcome }));
  // Train the triage model now, not on the first employee's message.
  getTriageModel();

  // Live updates cross processes on PostgreSQL (closed with the database).
  const store = new PgConversationStore({
    db,
    now,
    feed: db.kind === 'postgres' ? pgMessageFeed(db as PostgresDatabase) : undefined,
    onFeedError: (err) =>
      logger.warn({ err }, 'live message feed failed; SSE updates from other processes may lag'),
  });
  const people = createPeople({ db, roles: config.roles, linkBy: config.access.linkBy, now });
  // The ack's writes jump the embedded database's queue (turns queue behind each other, not acks).
  const ackStore = store.over(urgentView(db));
  const backlog = new Backlog({ counts: () => runner.counts() });
  const { busyNotices } = backlogMetrics(metrics.registry, () => backlog.report());
  // A web chat message stored, or a ticket's SLA timers set, while Redis is away are queued as soon
  // as it is back (the sweeps are the backstop if this process dies first).
  const requeue = createRequeue({
    onQueued: (key, ms) => logger.info({ key, waitedMs: ms }, 'queued after a Redis outage'),
    onGaveUp: (key, err) =>
      logger.warn({ err, key }, 'still not queued after a Redis outage; left to the recovery sweep'),
  });
  const accept = createAccept({
    backlog,
    requeue,
    onQueueError: (err, event) =>
      logger.warn(
        { err, platform: event.platform, eventId: event.eventId },
        'message stored but not queued (Redis unavailable); queued again when Redis is back',
      ),
    onBusy: (event) => busyNotices.inc({ platform: event.platform }),
    runner,
    deduper: infra.deduper,
    store: ackStore,
    replyDeadlineMs: deps.replyDeadlineMs,
    attempts: deps.eventAttempts,
    onDuplicate: (platform) => metrics.eventsDeduplicated.inc({ platform }),
    onDedupeError: (err, event) =>
      logger.warn(
        { err, platform: event.platform, eventId: event.eventId },
        'event dedupe unavailable; taken as new',
      ),
  });
  const channels = (await deps.channels?.({ accept, logger, metrics }, store, ackStore)) ?? [];
  const deliverers: Partial<Record<Platform, Deliverer>> = {};
  for (const ch of channels) deliverers[ch.platform] = ch.deliverer;
  const delivery = createDelivery(runner, {
    deliverers,
    limiter: infra.limiter,
    log: new SqlDeliveryLog({ db, now }),
    metrics: { deliveryFailure: (platform, reason) => metrics.deliveryFailures.inc({ platform, reason }) },
  });
  const desk = createTicketDesk({
    config,
    db,
    runner,
    delivery,
    metrics,
    logger,
    now,
    profiles: (platform) => channels.find((ch) => ch.platform === platform)?.profiles,
    people,
    requeue,
    sweepEveryMs: deps.recovery?.everyMs,
  });
  const assistant = (deps.assistant ?? defaultAssistant)({
    config,
    opened: deps.opened,
    chat: deps.chat,
    db,
    store,
    tickets: desk.tickets,
    calendars: desk.calendars,
    people,
    logger,
    metrics,
    now,
  });
  registerEventJob({
    runner,
    store,
    relay: desk.relay,
    handoff: desk.handoff,
    tickets: desk.tickets,
    assistant,
    slots: new SqlReplySlots(db),
    deliver: delivery.deliver,
    recordFeedback: (f) => recordFeedback(db, f),
    classify,
    roleOf: async (userKey) => (await people.roleOf(userKey)).role,
    linkIdentity: async (event) => {
      const profiles = channels.find((ch) => ch.platform === event.platform)?.profiles;
      const email = (await profiles?.profile(event.user))?.email;
      if (email) await people.link(userKey(event), { email });
    },
    usersWithRole: (roles) =>
      Object.keys(config.roles).filter((user) => {
        const role = configuredRole(config.roles, [user])?.role;
        return role !== undefined && roles.includes(role);
      }),
    now,
    logger,
    onOutcome: (outcome, ms, turn) => {
      metrics.turns.inc({ outcome });
      metrics.replySeconds.observe({ platform: turn.platform }, ms / 1000);
    },
    onFailure: (reason, turn, err) => {
      metrics.turnFailures.inc({ reason });
      logger.warn({ err, reason, threadId: turn.conversationId, messageId: turn.messageId }, 'turn failed');
    },
  });

  let stopRecovery: () => Promise<void> = async () => {};
  const knowledge = createKbReloader({ config, opened: deps.opened, logger });
  let stopWatch = () => {};
  return {
    db,
    store,
    tickets: desk.tickets,
    assistant,
    runner,
    timers: desk.timers,
    metrics,
    calendars: desk.calendars,
    limiter: infra.limiter,
    databaseLabel: infra.databaseLabel,
    channels,
    handoff: desk.handoff,
    incidents: desk.incidents,
    accept,
    deliver: delivery.deliver,
    backlog,
    knowledge,
    async startWorkers() {
      await runner.start();
      backlog.start();
      // Files published by another process on the same KB folder are answered from here too.
      stopWatch = knowledge.watch();
      const redisUrl = config.redis.url;
      // Many processes on one Redis: the recovery passes run in one of them at a time.
      const { redisLease } =
        redisUrl && runner.kind === 'bullmq'
          ? await import('../cluster/lease.ts')
          : { redisLease: undefined };
      stopRecovery = await startRecovery({
        db,
        runner,
        timers: desk.timers,
        logger,
        now,
        lease:
          redisUrl && redisLease
            ? (onAcquired) =>
                redisLease({
                  redisUrl,
                  name: 'recovery',
                  ttlMs: 30_000,
                  onAcquired,
                  onError: (err) => logger.debug({ err }, 'recovery lease: Redis failed'),
                })
            : undefined,
        ...deps.recovery,
      });
    },
    shutdownSteps,
    async close() {
      for (const step of shutdownSteps()) await step.run();
    },
  };

  function shutdownSteps(): ShutdownStep[] {
    return [
      {
        name: 'disconnect chat platforms',
        run: async () => {
          await stopRecovery();
          requeue.stop();
          stopWatch();
          backlog.stop();
          await Promise.allSettled(channels.map((ch) => ch.stop()));
        },
      },
      { name: 'drain jobs', run: () => infra.drain() },
      { name: 'close Redis and the database', run: () => infra.close() },
    ];
  }
}
