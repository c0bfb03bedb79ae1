/**
 * Questions the bot could not answer, grouped by their normalized form (DESIGN §2 flow 7), so the
 * KB owners see what to write next.
 */

import { normalize } from '../knowledge/tokenize.ts';
import type { Database } from '../store/database.ts';

export interface KnowledgeGap {
  question: string;
  lang: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  exampleThreadId: string | null;
}

/** Same words, same gap: case, width, punctuation and spacing do not matter. */
export function gapKey(question: string): string {
  return normalize(question)
    .replace(/[\s\p{P}\p{S}]+/gu, ' ')
    .trim();
}

export async function recordGap(
  db: Database,
  gap: { question: string; lang: string; threadId?: string; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO knowledge_gaps (question, normalized, lang, first_seen, last_seen, example_thread_id)
     VALUES ($1, $2, $3, $4, $4, $5)
     ON CONFLICT (normalized, lang) DO UPDATE SET count = knowledge_gaps.count + 1, last_seen = EXCLUDED.last_seen`,
    [gap.question.slice(0, 500), gapKey(gap.question), gap.lang, gap.at.toISOString(), gap.threadId ?? null],
  );
}

/**
 * The recorded gaps last asked since `since` (default: ever), most asked first, or with
 * `order: 'recent'` most recently asked first; at most `limit`. The one reader of knowledge_gaps: the
 * gaps API lists them, the knowledge upkeep's gap report (knowledge/upkeep/gap-report.ts) clusters them.
 */
export async function listGaps(
  db: Database,
  options: { limit?: number; since?: Date; order?: 'count' | 'recent' } = {},
): Promise<KnowledgeGap[]> {
  const order = options.order === 'recent' ? 'last_seen DESC' : 'count DESC, last_seen DESC';
  const rows = await db.query<{
    question: string;
    lang: string;
    count: number;
    first_seen: string | Date;
    last_seen: string | Date;
    example_thread_id: string | null;
  }>(
    `SELECT question, lang, count, first_seen, last_seen, example_thread_id
       FROM knowledge_gaps WHERE last_seen >= $1 ORDER BY ${order} LIMIT $2`,
    [(options.since ?? new Date(0)).toISOString(), options.limit ?? 50],
  );
  return rows.map((r) => ({
    question: r.question,
    lang: r.lang,
    count: Number(r.count),
    firstSeen: new Date(r.first_seen).toISOString(),
    lastSeen: new Date(r.last_seen).toISOString(),
    exampleThreadId: r.example_thread_id,
  }));
}
