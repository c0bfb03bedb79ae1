/**
 * One turn of the conversation (DESIGN §2 flows 1–3, 8): triage the message, then answer it from
 * the KB, or open a ticket (joining a known incident when several people report the same thing),
 * or hand the thread to a human. Platform-independent: every adapter calls this.
 */
import { ACCESS_ROLES, type AccessRole } from '../access/policy.ts';
import { findParentIncident, severityForReporters } from '../incidents/mass-incident.ts';
import { recordGap } from '../insights/knowledge-gaps.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { Lang, SearchResult } from '../knowledge/types.ts';
import type { ChatModel } from '../llm/chat-model.ts';
import { maskPii } from '../privacy/pii.ts';
import { dueIso } from '../sla/ops.ts';
import type { CalendarSet, SlaPolicy } from '../sla/types.ts';
import type { Database } from '../store/database.ts';
import { HELPLINE_ACTOR, retriage } from '../tickets/retriage.ts';
import { markOf, type ThreadLine, threadOwners } from '../tickets/thread-parts.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { Ticket, TranscriptLine } from '../tickets/types.ts';
import type { TriageInput, TriageResult } from '../triage/types.ts';
import { citation } from './answer/extractive.ts';
import { smallTalkReply } from './answer/replies.ts';
import { answerQuestion } from './answer-question.ts';
import { detectLang } from './language.ts';
import { routeMessage } from './route.ts';
import { anotherSensitiveMatter } from './sensitive-matter.ts';
import { sensitiveTopic } from './sensitive-topic.ts';
import {
  alreadyOpenText,
  knownIncidentText,
  selfHelpText,
  severityRaisedText,
  ticketOpenedText,
} from './ticket-replies.ts';
import type { Assistant, BotReply, TicketRef, Turn } from './types.ts';

export interface TurnDeps {
  kb: Pick<KnowledgeBase, 'search'>;
  chat?: ChatModel;
  /** Passages per question. @defaultValue 5 */
  k?: number;
  /** The offline classifier (synchronous, always there). */
  classify: (input: TriageInput) => TriageResult;
  /**
   * A second opinion on incidents and handoffs (the LLM, where one is configured): the message and
   * the offline result in, the result to act on out. It settles within its own budget, falling
   * back to the offline result; absent, the offline result stands.
   */
  secondOpinion?: (input: TriageInput, offline: TriageResult) => Promise<TriageResult>;
  tickets: TicketService;
  db: Database;
  /**
   * Earlier messages of the thread, oldest first, with their ids and times where stored and the
   * ticket a bot message announced: a ticket's transcript, a handoff and a re-triage read only the
   * part of the thread that is theirs (src/tickets/thread-parts.ts).
   */
  history: (threadId: string) => Promise<HistoryLine[]>;
  sla: { policy: SlaPolicy; calendars: CalendarSet };
  incidents: { windowMs: number; minSimilarity: number };
  roleOf: (userId: string) => Promise<string | undefined> | string | undefined;
  now: () => Date;
  onFallback?: (reason: string, err?: unknown) => void;
}

/** A line of the thread as the turn reads it. */
export type HistoryLine = TranscriptLine & Pick<ThreadLine, 'ticketId'>;

/**
 * The thread's transcript ending with this turn's message: the message is stored before its turn
 * runs, so it is usually the last line already and must not be listed twice.
 */
function withTurn(history: HistoryLine[], turn: Turn, at: Date): HistoryLine[] {
  const last = history.at(-1);
  if (last?.author === 'user' && last.text === turn.text) {
    return last.id || !turn.messageId ? history : [...history.slice(0, -1), { ...last, id: turn.messageId }];
  }
  const line: HistoryLine = { author: 'user', text: turn.text, at: at.toISOString() };
  return [...history, turn.messageId ? { ...line, id: turn.messageId } : line];
}

/** The thread up to this turn's message, and for each line the tickets of the thread whose part it is. */
async function threadOf(deps: TurnDeps, turn: Turn) {
  const [history, tickets] = await Promise.all([
    deps.history(turn.threadId),
    deps.tickets.list({ threadId: turn.threadId, limit: 1000 }),
  ]);
  const lines = withTurn(history, turn, deps.now());
  return { lines, owners: threadOwners(lines, tickets.map(markOf)) };
}

/**
 * What a ticket opened by this turn is made of: the turn's message, after the lines just before it
 * that no other ticket of the thread holds (the question before "talk to a human"). Another ticket's
 * messages — above all a sensitive one's — never become this one's transcript.
 */
function newTicketLines({ lines, owners }: Awaited<ReturnType<typeof threadOf>>): HistoryLine[] {
  let start = lines.length - 1;
  while (start > 0 && owners[start - 1].length === 0) start--;
  return lines.slice(start);
}

/** The role passages are cited to: the configured one, else employee (KB audiences, DESIGN §7). */
function readerOf(role: string | undefined): AccessRole {
  return (ACCESS_ROLES as readonly string[]).includes(role ?? '') ? (role as AccessRole) : 'employee';
}

/** A self-help article is offered beside a ticket only when the KB is this sure. */
const SELF_HELP_CONFIDENCE = 0.6;

export function createTurnHandler(deps: TurnDeps): Assistant {
  return {
    retriage: (turn) => retriageThread(deps, turn),
    async reply(turn: Turn): Promise<BotReply> {
      const lang = detectLang(turn.text);
      const role = await deps.roleOf(turn.userId);
      const reader = readerOf(role);
      // A follow-up that widens an open ticket's scope is answered with its new severity and target.
      const raised = await retriageThread(deps, turn);
      if (raised) return raised;
      const triage = await triageOf(deps, { text: turn.text, role, lang });
      switch (routeMessage(turn.text, triage)) {
        case 'greet':
          return smallTalkReply(turn.text, lang);
        case 'handoff':
          return handoff(deps, turn, lang, role);
        case 'ticket':
          return openTicket(deps, turn, lang, triage, reader);
        default: {
          const { reply } = await answerQuestion({ ...deps, reader }, turn.text, lang);
          if (reply.action !== 'answered') {
            await recordGap(deps.db, { question: turn.text, lang, threadId: turn.threadId, at: deps.now() });
          }
          return reply;
        }
      }
    },
  };
}

/** Offline triage, with the second opinion where one is configured and the message may become a ticket. */
async function triageOf(deps: TurnDeps, input: TriageInput): Promise<TriageResult> {
  const offline = deps.classify(input);
  if (!deps.secondOpinion || (offline.intent !== 'incident' && offline.intent !== 'human')) return offline;
  return deps.secondOpinion(input, offline);
}

async function openTicket(
  deps: TurnDeps,
  turn: Turn,
  lang: Lang,
  triage: TriageResult,
  reader: AccessRole,
): Promise<BotReply> {
  const transcript = newTicketLines(await threadOf(deps, turn));
  const search = await deps.kb.search(turn.text, deps.k ?? 5, { reader });
  const input = ticketInput(turn, triage, transcript, search);
  if (triage.intent === 'incident') {
    const parent = await knownIncident(deps, turn.text, triage.category);
    if (parent) return joinIncident(deps, parent, input, lang);
  }
  const ticket = await deps.tickets.open(input);
  const reply = ticketReply(deps, ticket, lang, ticketOpenedText(notice(deps, ticket), lang));
  return withSelfHelp(reply, search, lang);
}

/** "转人工" / "talk to a human": a ticket about what they asked before, or about this message. */
async function handoff(deps: TurnDeps, turn: Turn, lang: Lang, role: string | undefined): Promise<BotReply> {
  const existing = (await deps.tickets.list({ threadId: turn.threadId, open: true, limit: 1 }))[0];
  if (existing) return ticketReply(deps, existing, lang, alreadyOpenText(notice(deps, existing), lang));
  // The question is looked for among this ticket's own lines, never in an earlier ticket's part.
  const transcript = newTicketLines(await threadOf(deps, turn));
  const question = transcript
    .slice(0, -1)
    .reverse()
    .find(
      (m) => m.author === 'user' && routeMessage(m.text, deps.classify({ text: m.text, role })) !== 'handoff',
    );
  const about = question?.text ?? turn.text;
  const triage = deps.classify({ text: about, role, lang });
  const search = await deps.kb.search(about, deps.k ?? 5, { reader: readerOf(role) });
  const input = ticketInput({ ...turn, text: about }, { ...triage, intent: 'human' }, transcript, search);
  input.rationale = `The employee asked for a human. ${triage.rationale}`;
  const ticket = await deps.tickets.open(input);
  return ticketReply(deps, ticket, lang, ticketOpenedText(notice(deps, ticket), lang));
}

/**
 * The thread's open ticket, re-triaged on everything the employee has said in it (DESIGN §3: the
 * conversation can raise severity, never lower it). The reply when it was raised.
 */
async function retriageThread(deps: TurnDeps, turn: Turn): Promise<BotReply | undefined> {
  const open = (await deps.tickets.list({ threadId: turn.threadId, open: true, limit: 1 }))[0];
  if (!open) return undefined;
  const role = await deps.roleOf(turn.userId);
  // Weighed on the open ticket's own part of the thread and this message: another ticket's words
  // (a sensitive one's above all) never raise this one, nor reach its rationale.
  const { lines, owners } = await threadOf(deps, turn);
  const userMessages = lines
    .filter((l, i) => l.author === 'user' && (owners[i].includes(open.id) || i === lines.length - 1))
    .map((l) => l.text);
  // A message about a sensitive matter the open ticket is not about is not its follow-up: it gets a
  // ticket of its own, so its words never sit under one that more people may read (DESIGN §7). The
  // bridge withholds the same messages from the ticket's triage thread (src/inbound/event-job.ts).
  if (anotherSensitiveMatter(deps.classify, open, { text: turn.text, userMessages, role })) return undefined;
  const raised = await retriage(
    { tickets: deps.tickets, classify: deps.classify },
    { ticket: open, userMessages, role, messageId: turn.messageId },
  );
  if (!raised) return undefined;
  const lang = detectLang(userMessages.join(' '));
  return ticketReply(
    deps,
    raised.ticket,
    lang,
    severityRaisedText(notice(deps, raised.ticket), raised.from, lang),
  );
}

function ticketInput(turn: Turn, triage: TriageResult, lines: HistoryLine[], search: SearchResult) {
  const tried = search.results.slice(0, 3).map((r, i) => citation(i + 1, r.passage));
  const transcript: TranscriptLine[] = lines.map(({ ticketId: _announced, ...line }) => line);
  return {
    title: maskPii(turn.text).replace(/\s+/g, ' ').slice(0, 120),
    severity: triage.severity,
    category: triage.category,
    intent: triage.intent,
    rationale: triage.rationale,
    signals: triage.signals,
    sensitiveTopic: sensitiveTopic(turn.text),
    requesterId: turn.userId,
    threadId: turn.threadId,
    transcript: transcript.map((l, i) =>
      i === transcript.length - 1 && tried.length ? { ...l, citations: tried } : l,
    ),
  };
}

/** An open incident reported within the window about the same thing (findParentIncident decides). */
async function knownIncident(deps: TurnDeps, text: string, category: string): Promise<Ticket | undefined> {
  const now = deps.now();
  // Every open incident, not only this category's: two wordings of one outage can be filed apart.
  const open = await deps.tickets.list({
    intent: 'incident',
    parentId: null,
    open: true,
    limit: 50,
  });
  const candidates = open.map((t) => ({
    id: t.id,
    text: t.transcript.find((l) => l.author === 'user')?.text ?? t.title,
    category: t.category,
    createdAt: new Date(t.createdAt),
    reporters: t.reporters,
    severity: t.severity,
  }));
  const found = findParentIncident({ text, category, at: now }, candidates, deps.incidents);
  return found ? open.find((t) => t.id === found.id) : undefined;
}

/** Later reporters join the parent; enough distinct reporters raise its severity, with the reason. */
async function joinIncident(
  deps: TurnDeps,
  parent: Ticket,
  input: ReturnType<typeof ticketInput>,
  lang: Lang,
): Promise<BotReply> {
  const same = (await deps.tickets.list({ parentId: parent.id, limit: 500 })).some(
    (t) => t.requesterId === input.requesterId,
  );
  let current = parent;
  if (!same && parent.requesterId !== input.requesterId) {
    const child = await deps.tickets.open({ ...input, status: 'new' });
    await deps.tickets.linkToParent(child.id, parent.id, 'helpline');
    current = await deps.tickets.get(parent.id);
    const raised = severityForReporters(current.severity, current.reporters);
    if (raised.reason)
      current = await deps.tickets.overrideSeverity(current.id, 'helpline', raised.severity, raised.reason);
    // A later report may say more than the first (other sites, everyone): the incident takes the more
    // severe reading, never a lower one.
    current = await deps.tickets.raiseSeverity(
      current.id,
      HELPLINE_ACTOR,
      input.severity,
      `Another reporter's message reads ${input.severity}. ${input.rationale}`,
    );
  }
  return ticketReply(deps, current, lang, knownIncidentText(current, lang));
}

function notice(deps: TurnDeps, t: Ticket) {
  return {
    number: t.number,
    severity: t.severity,
    category: t.category,
    policy: deps.sla.policy[t.severity],
    firstResponseDue: dueIso(
      t.clocks.find((c) => c.kind === 'first_response'),
      deps.sla.calendars,
    ),
  };
}

export function ticketRef(deps: Pick<TurnDeps, 'sla'>, t: Ticket): TicketRef {
  return {
    id: t.id,
    number: t.number,
    severity: t.severity,
    category: t.category,
    status: t.status,
    firstResponseDue: dueIso(
      t.clocks.find((c) => c.kind === 'first_response'),
      deps.sla.calendars,
    ),
  };
}

function ticketReply(deps: TurnDeps, t: Ticket, lang: Lang, text: string): BotReply {
  return { action: 'ticket', text, lang, citations: [], buttons: [], ticket: ticketRef(deps, t) };
}

/** A confident KB article rides along with the ticket: the employee may fix it before L2 answers. */
function withSelfHelp(reply: BotReply, search: SearchResult, lang: Lang): BotReply {
  const top = search.results[0];
  if (!search.answerable || !top || search.confidence < SELF_HELP_CONFIDENCE) return reply;
  const label = top.passage.heading ? `${top.passage.title} › ${top.passage.heading}` : top.passage.title;
  return {
    ...reply,
    text: `${reply.text}\n\n${selfHelpText(lang)} [1] ${label}`,
    citations: [citation(1, top.passage)],
  };
}
