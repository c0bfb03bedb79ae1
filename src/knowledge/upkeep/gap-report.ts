/**
 * The knowledge-gap report (console /console/knowledge): every question the bot declined
 * (knowledge_gaps, read through src/insights/knowledge-gaps.ts) and every question whose answer got a 👎
 * (feedback on a bot message, the question being the employee's message before it), clustered
 * (cluster-questions.ts) with counts, first and last seen, and an example thread.
 */
import { listGaps } from '../../insights/knowledge-gaps.ts';
import type { Database } from '../../store/database.ts';
import type { SynonymTable } from '../synonyms.ts';
import { clusterQuestions } from './cluster-questions.ts';

export interface GapQuestion {
  question: string;
  lang: string | null;
  /** 'declined': the bot said it does not know; 'downvoted': it answered and got 👎. */
  kind: 'declined' | 'downvoted';
  count: number;
  firstSeen: string;
  lastSeen: string;
  exampleThreadId: string | null;
  /** For 👎: the articles the disliked answer cited. */
  cited?: string[];
}

export interface GapCluster {
  /** The most asked wording. */
  question: string;
  count: number;
  declined: number;
  downvoted: number;
  firstSeen: string;
  lastSeen: string;
  exampleThreadId: string | null;
  /** Every wording, most asked first. */
  questions: GapQuestion[];
}

/** How many recent questions of each kind are clustered (the clustering is quadratic). */
const MAX_QUESTIONS = 300;

const iso = (v: string | Date) => new Date(v).toISOString();

async function declined(db: Database, since: Date): Promise<GapQuestion[]> {
  const gaps = await listGaps(db, { since, order: 'recent', limit: MAX_QUESTIONS });
  return gaps.map((g) => ({ ...g, kind: 'declined' }));
}

async function downvoted(db: Database, since: Date): Promise<GapQuestion[]> {
  // The voted message is found by its id (web) or its platform reference (Lark, Slack); the
  // question is the employee's last message before it in the same conversation.
  const rows = await db.query<{
    thread_id: string;
    at: string;
    question: string | null;
    citations: { source?: unknown }[] | null;
  }>(
    `SELECT f.thread_id, f.at,
            (SELECT u.text FROM messages u
              WHERE u.conversation_id = f.thread_id AND u.author = 'user'
                AND u.created_at <= coalesce(m.created_at, f.at)
              ORDER BY u.created_at DESC, u.seq DESC LIMIT 1) AS question,
            m.citations
       FROM feedback f
       LEFT JOIN messages m ON m.conversation_id = f.thread_id
                           AND (m.id = f.message_id OR m.external_ref = f.message_id)
      WHERE f.helpful = false AND f.at >= $1
      ORDER BY f.at DESC LIMIT $2`,
    [since.toISOString(), MAX_QUESTIONS],
  );
  return rows
    .filter((r) => r.question)
    .map((r) => ({
      question: (r.question as string).slice(0, 500),
      lang: null,
      kind: 'downvoted',
      count: 1,
      firstSeen: iso(r.at),
      lastSeen: iso(r.at),
      exampleThreadId: r.thread_id,
      cited: Array.isArray(r.citations)
        ? [...new Set(r.citations.map((c) => c?.source).filter((s): s is string => typeof s === 'string'))]
        : [],
    }));
}

export async function gapReport(
  db: Database,
  options: { since: Date; synonyms?: SynonymTable; minSimilarity?: number; limit?: number },
): Promise<GapCluster[]> {
  const questions = [...(await declined(db, options.since)), ...(await downvoted(db, options.since))];
  const groups = clusterQuestions(
    questions.map((q) => q.question),
    { synonyms: options.synonyms, minSimilarity: options.minSimilarity },
  );
  const clusters = groups.map((members): GapCluster => {
    const qs = members
      .map((i) => questions[i])
      .sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen));
    const sum = (kind: GapQuestion['kind']) =>
      qs.filter((q) => q.kind === kind).reduce((n, q) => n + q.count, 0);
    return {
      question: qs[0].question,
      count: qs.reduce((n, q) => n + q.count, 0),
      declined: sum('declined'),
      downvoted: sum('downvoted'),
      firstSeen: qs.map((q) => q.firstSeen).sort()[0],
      lastSeen: qs
        .map((q) => q.lastSeen)
        .sort()
        .at(-1) as string,
      exampleThreadId: qs.find((q) => q.exampleThreadId)?.exampleThreadId ?? null,
      questions: qs,
    };
  });
  return clusters
    .sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen))
    .slice(0, options.limit ?? 100);
}
