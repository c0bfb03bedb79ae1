/**
 * Retrieval quality on a labelled question set: recall@1, recall@5 and MRR@10 per language for
 * answerable questions; decline rate on questions the KB cannot answer and false declines on the rest.
 * A hit is a passage from a gold source whose text contains the gold anchor.
 */
import type { SearchResult } from '../knowledge/types.ts';

export interface KbQuestion {
  id: string;
  lang: string;
  question: string;
  gold: { source: string; anchor: string }[];
}

export interface LangScores {
  questions: number;
  recallAt1: number;
  recallAt5: number;
  mrrAt10: number;
}

export interface RetrievalReport {
  byLang: Record<string, LangScores>;
  all: LangScores;
  /** Out-of-scope questions declined (answerable: false) / out-of-scope questions. */
  declineRate: number;
  outOfScope: number;
  /** Answerable questions declined / answerable questions. */
  falseDeclineRate: number;
  misses: { id: string; question: string; rank: number | null; declined: boolean }[];
}

/** 1-based rank of the first hit in `result`, or null. */
export function firstHitRank(result: SearchResult, gold: KbQuestion['gold']): number | null {
  const i = result.results.findIndex(({ passage }) =>
    gold.some((g) => passage.source === g.source && passage.text.includes(g.anchor)),
  );
  return i < 0 ? null : i + 1;
}

export async function evaluateRetrieval(
  questions: KbQuestion[],
  search: (q: string) => SearchResult | Promise<SearchResult>,
): Promise<RetrievalReport> {
  const ranks = new Map<string, (number | null)[]>();
  let oos = 0;
  let declined = 0;
  let answerable = 0;
  let falseDeclines = 0;
  const misses: RetrievalReport['misses'] = [];
  for (const q of questions) {
    const result = await search(q.question);
    if (q.gold.length === 0) {
      oos++;
      if (!result.answerable) declined++;
      else misses.push({ id: q.id, question: q.question, rank: null, declined: false });
      continue;
    }
    answerable++;
    if (!result.answerable) falseDeclines++;
    const rank = firstHitRank(result, q.gold);
    if (rank !== 1 || !result.answerable)
      misses.push({ id: q.id, question: q.question, rank, declined: !result.answerable });
    const list = ranks.get(q.lang) ?? [];
    list.push(rank);
    ranks.set(q.lang, list);
  }
  const byLang: Record<string, LangScores> = {};
  for (const [lang, list] of ranks) byLang[lang] = scores(list);
  return {
    byLang,
    all: scores([...ranks.values()].flat()),
    declineRate: oos ? declined / oos : 1,
    outOfScope: oos,
    falseDeclineRate: answerable ? falseDeclines / answerable : 0,
    misses,
  };
}

function scores(ranks: (number | null)[]): LangScores {
  const n = ranks.length || 1;
  const within = (k: number) => ranks.filter((r) => r !== null && r <= k).length / n;
  return {
    questions: ranks.length,
    recallAt1: within(1),
    recallAt5: within(5),
    mrrAt10: ranks.reduce<number>((s, r) => s + (r !== null && r <= 10 ? 1 / r : 0), 0) / n,
  };
}

export function formatRetrievalReport(r: RetrievalReport): string {
  const pct = (x: number) => x.toFixed(3);
  const lines = ['Retrieval', '  lang  questions  recall@1  recall@5  MRR@10'];
  for (const [lang, s] of [...Object.entries(r.byLang), ['all', r.all] as const]) {
    lines.push(
      `  ${lang.padEnd(5)} ${String(s.questions).padStart(9)}  ${pct(s.recallAt1).padStart(8)}  ${pct(s.recallAt5).padStart(8)}  ${pct(s.mrrAt10).padStart(6)}`,
    );
  }
  lines.push('Abstention');
  lines.push(`  declined out-of-scope  ${pct(r.declineRate)}  (${r.outOfScope} questions)`);
  lines.push(`  false declines         ${pct(r.falseDeclineRate)}`);
  return lines.join('\n');
}
