/**
 * Every article of the running KB with how often answers cited it and the 👍/👎 those answers got
 * (the bot messages' stored citations, and feedback on them), so an editor sees which articles
 * work, which mislead, and which nobody needs.
 */
import type { Database } from '../../store/database.ts';
import type { Passage } from '../types.ts';

export interface ArticleUsage {
  /** Relative to the KB folder. */
  path: string;
  title: string;
  lang: string;
  category: string | null;
  audience: string[] | null;
  passages: number;
  /** Answers that cited it. */
  cited: number;
  helpful: number;
  notHelpful: number;
  lastCited: string | null;
}

export async function articleUsage(
  db: Database,
  passages: readonly Passage[],
  since: Date,
): Promise<ArticleUsage[]> {
  const rows = await db.query<{
    source: string;
    cited: number;
    helpful: number;
    not_helpful: number;
    last_cited: string | null;
  }>(
    `WITH cited AS (
       SELECT DISTINCT m.id, m.conversation_id, m.external_ref, m.created_at, c->>'source' AS source
         FROM messages m CROSS JOIN LATERAL jsonb_array_elements(m.citations) AS c
        WHERE m.author = 'bot' AND jsonb_typeof(m.citations) = 'array' AND m.created_at >= $1
     )
     SELECT cited.source,
            count(DISTINCT cited.id) AS cited,
            count(f.id) FILTER (WHERE f.helpful) AS helpful,
            count(f.id) FILTER (WHERE f.helpful = false) AS not_helpful,
            max(cited.created_at) AS last_cited
       FROM cited
       LEFT JOIN feedback f ON f.thread_id = cited.conversation_id
                           AND (f.message_id = cited.id OR f.message_id = cited.external_ref)
      WHERE cited.source IS NOT NULL
      GROUP BY cited.source`,
    [since.toISOString()],
  );
  const used = new Map(rows.map((r) => [r.source, r]));
  const articles = new Map<string, ArticleUsage>();
  for (const p of passages) {
    const known = articles.get(p.source);
    if (known) {
      known.passages++;
      continue;
    }
    const u = used.get(p.source);
    articles.set(p.source, {
      path: p.source,
      title: p.title,
      lang: p.lang,
      category: p.category ?? null,
      audience: p.audience ?? null,
      passages: 1,
      cited: Number(u?.cited ?? 0),
      helpful: Number(u?.helpful ?? 0),
      notHelpful: Number(u?.not_helpful ?? 0),
      lastCited: u?.last_cited ? new Date(u.last_cited).toISOString() : null,
    });
  }
  return [...articles.values()].sort((a, b) => b.cited - a.cited || a.path.localeCompare(b.path));
}
