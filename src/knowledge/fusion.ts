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

/**
 * Weighted sum of rankings, each divided by its own best score first (CombSUM over max-normalized
 * scores), so rankings on different scales count by their weights alone. Best first, ties by doc.
 */
export function fuseNormalized(
  rankings: { hits: { doc: number; score: number }[]; weight: number }[],
): { doc: number; score: number }[] {
  const scores = new Map<number, number>();
  for (const { hits, weight } of rankings) {
    const top = hits[0]?.score;
    if (!top || top <= 0) continue;
    for (const h of hits) scores.set(h.doc, (scores.get(h.doc) ?? 0) + (weight * h.score) / top);
  }
  return [...scores]
    .map(([doc, score]) => ({ doc, score }))
    .sort((a, b) => b.score - a.score || a.doc - b.doc);
}
