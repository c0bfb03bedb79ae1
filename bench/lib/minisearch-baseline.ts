/**
 * The baseline: MiniSearch with its BM25 defaults (k 1.2, b 0.7, d 0.5; OR of query terms; no
 * prefix or fuzzy matching), over the same passages and queries as Helpline.
 *
 * MiniSearch's default tokenizer splits on spaces and punctuation only, so a Chinese sentence is one
 * term and a Chinese query matches nothing unless it equals a whole clause. The `chars` variant keeps
 * every other default but splits Han text into single characters and other letters/digits into words
 * (lowercased by MiniSearch's default term processing), which is the fairest "stock" setup for
 * bilingual text. `defaults` is MiniSearch untouched; `charsAllFields` also indexes the front-matter
 * questions and keywords Helpline indexes, to show how much of the gap those fields explain.
 */
import MiniSearch from 'minisearch';
import type { Passage, SearchResult } from '../../src/knowledge/types.ts';

export type BaselineVariant = 'chars' | 'defaults' | 'charsAllFields';

/** One Han character, or a run of other letters, marks and digits. */
const HAN_CHAR_OR_WORD = /\p{Script=Han}|[[\p{L}\p{M}\p{N}]--\p{Script=Han}]+/gv;

export function hanCharsLatinWords(text: string): string[] {
  return text.match(HAN_CHAR_OR_WORD) ?? [];
}

interface Doc {
  id: number;
  title: string;
  heading: string;
  text: string;
  extra: string;
}

export function buildMiniSearch(passages: Passage[], variant: BaselineVariant): MiniSearch<Doc> {
  const fields =
    variant === 'charsAllFields' ? ['title', 'heading', 'text', 'extra'] : ['title', 'heading', 'text'];
  const ms = new MiniSearch<Doc>({
    fields,
    storeFields: [],
    ...(variant === 'defaults' ? {} : { tokenize: hanCharsLatinWords }),
  });
  ms.addAll(
    passages.map((p, id) => ({
      id,
      title: p.title,
      heading: p.heading,
      text: p.text,
      extra: variant === 'charsAllFields' ? [...p.questions, ...p.keywords].join('\n') : '',
    })),
  );
  return ms;
}

/** MiniSearch hits in Helpline's SearchResult shape; MiniSearch never declines, so answerable is true. */
export function asSearchResult(
  ms: MiniSearch<Doc>,
  passages: Passage[],
  query: string,
  k: number,
): SearchResult {
  const hits = ms.search(query).slice(0, k);
  return {
    query,
    answerable: true,
    confidence: 1,
    results: hits.map((h) => ({ passage: passages[h.id as number], score: h.score })),
  };
}
