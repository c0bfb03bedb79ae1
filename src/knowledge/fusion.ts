/** Reciprocal rank fusion: score(d) = Σ 1 / (k + rank_i(d)), rank 1-based. k = 60 as in Cormack et al. */
export function reciprocalRankFusion(lists: number[][], k = 60): { doc: number; score: number }[] {
  const scores = new Map<number, number>();
  for (const list of lists) {
    list.forEach((doc, i) => {
      scores.set(doc, (scores.get(doc) ?? 0) + 1 / (k + i + 1));
    });
  }
  return [...scores]
    .map(([doc, score]) => ({ doc, score }))
    .sort((a, b) => b.score - a.score || a.doc - b.doc);
}
