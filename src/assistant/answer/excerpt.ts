/**
 * Picks the part of a passage that answers the question: the whole passage when it is short,
 * else the run of paragraphs around the one that shares the most of the question's terms.
 */
import { terms } from '../../knowledge/tokenize.ts';

/** @defaultValue 600 characters: a chat bubble, not a page. */
export const MAX_EXCERPT = 600;

export function excerpt(passageText: string, question: string, max = MAX_EXCERPT): string {
  const text = passageText.trim();
  if (text.length <= max) return text;
  const blocks = text.split(
    /\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)、]|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)))/,
  );
  const wanted = new Set(terms(question));
  const score = (b: string) => terms(b).filter((t) => wanted.has(t)).length / Math.sqrt(b.length + 20);
  let best = 0;
  blocks.forEach((b, i) => {
    if (score(b) > score(blocks[best])) best = i;
  });
  let from = best;
  let to = best;
  let size = blocks[best].length;
  // Grow forwards first: steps and conditions usually follow the sentence that matched.
  while (true) {
    if (to + 1 < blocks.length && size + blocks[to + 1].length + 2 <= max) size += blocks[++to].length + 2;
    else if (from > 0 && size + blocks[from - 1].length + 2 <= max) size += blocks[--from].length + 2;
    else break;
  }
  const chosen = blocks.slice(from, to + 1).join('\n\n');
  return chosen.length <= max ? chosen : cutAtSentence(chosen, max);
}

function cutAtSentence(text: string, max: number): string {
  const head = text.slice(0, max);
  const end = Math.max(...['。', '！', '？', '. ', '! ', '? ', '；', '\n'].map((m) => head.lastIndexOf(m)));
  return `${end > max / 2 ? head.slice(0, end + 1).trimEnd() : head.trimEnd()}…`;
}
