/**
 * Deterministic benchmark data grown from a real KB: a corpus of N passages and a set of queries.
 *
 * Corpus: the real passages first, then synthetic variants until N. Variant i takes real passage
 * `p = real[i mod R]` as its template (round `r = ⌊i / R⌋ + 1`) and keeps its title, heading, lang,
 * questions and keywords; its text has as many sentences as p's, each slot drawn with even odds from
 * p's own sentences or from any real passage of the same language, and the result shuffled. It
 * becomes article `${p.source}~v${r}` (id `${p.source}~v${r}#…`), so every round adds a new article
 * per real one, each with its own FAQ questions, as a growing KB would. The vocabulary stays that of
 * the real KB, so posting lists are longer than in a real 10k KB of varied topics: latency measured
 * here errs on the slow side.
 *
 * Queries: the labelled questions first (both languages, out-of-scope ones too), then variants until
 * N, cycling through four kinds seeded by the PRNG: a labelled question with a word (en) or a 1–2
 * character span (zh) dropped; two questions of one language joined (long queries); a sentence
 * fragment of a real passage (≤ 24 characters zh, ≤ 10 words en); a real passage's title and heading
 * (keyword-style queries).
 */
import type { Lang, Passage } from '../../src/knowledge/types.ts';
import { prng } from '../../src/util/prng.ts';

export { prng };

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)];
}

function shuffle<T>(rand: () => number, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** Sentences of a text: Chinese ones end in 。！？；, English ones in . ! ? followed by a space. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[。！？；])|(?<=[.!?])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function syntheticCorpus(real: Passage[], size: number, seed: number): Passage[] {
  const rand = prng(seed);
  const pool: Record<Lang, string[]> = { zh: [], en: [] };
  const own = real.map((p) => sentences(p.text));
  for (const [i, p] of real.entries()) pool[p.lang].push(...own[i]);
  const out = real.slice(0, size);
  for (let i = 0; out.length < size; i++) {
    const p = real[i % real.length];
    const round = Math.floor(i / real.length) + 1;
    const mine = own[i % real.length];
    const slots = Math.max(1, mine.length);
    const text: string[] = [];
    for (let s = 0; s < slots; s++) {
      text.push(mine.length > 0 && rand() < 0.5 ? pick(rand, mine) : pick(rand, pool[p.lang]));
    }
    const source = `${p.source}~v${round}`;
    out.push({
      ...p,
      id: `${source}#${p.id.slice(p.id.indexOf('#') + 1)}`,
      source,
      text: shuffle(rand, text).join(p.lang === 'zh' ? '' : ' '),
    });
  }
  return out;
}

export interface BenchQuestion {
  lang: string;
  question: string;
}

export function benchQueries(
  labelled: BenchQuestion[],
  real: Passage[],
  size: number,
  seed: number,
): string[] {
  const rand = prng(seed);
  const out = labelled.map((q) => q.question).slice(0, size);
  const byLang = new Map<string, string[]>();
  for (const q of labelled) byLang.set(q.lang, [...(byLang.get(q.lang) ?? []), q.question]);
  const withText = real.filter((p) => p.text.length > 0);
  for (let kind = 0; out.length < size; kind = (kind + 1) % 4) {
    if (kind === 0) {
      const q = pick(rand, labelled);
      out.push(dropSomething(rand, q.question, q.lang));
    } else if (kind === 1) {
      const q = pick(rand, labelled);
      const other = pick(rand, byLang.get(q.lang) ?? [q.question]);
      out.push(`${q.question}${q.lang === 'zh' ? '，' : ' '}${other}`);
    } else if (kind === 2) {
      const p = pick(rand, withText);
      const s = pick(rand, sentences(p.text));
      out.push(p.lang === 'zh' ? s.slice(0, 24) : s.split(/\s+/).slice(0, 10).join(' '));
    } else {
      const p = pick(rand, real);
      out.push([p.title, p.heading].filter(Boolean).join(' '));
    }
  }
  return out;
}

function dropSomething(rand: () => number, question: string, lang: string): string {
  if (lang === 'zh') {
    const chars = [...question];
    if (chars.length < 6) return question;
    const at = Math.floor(rand() * (chars.length - 2));
    chars.splice(at, 1 + Math.floor(rand() * 2));
    return chars.join('');
  }
  const words = question.split(/\s+/);
  if (words.length < 4) return question;
  words.splice(Math.floor(rand() * words.length), 1);
  return words.join(' ');
}
