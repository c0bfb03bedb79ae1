/**
 * Real questions to send a server under load: the KB's front-matter questions (the ones its
 * articles answer), Chinese and English alternating, each language's list shuffled with a seed.
 */
import { ingestKb } from '../../src/knowledge/ingest/ingest.ts';
import { prng } from './synthetic.ts';

export async function kbQuestions(kbDir: string, seed: number): Promise<string[]> {
  const { passages } = await ingestKb(kbDir);
  const byLang: Record<string, Set<string>> = {};
  for (const p of passages) {
    byLang[p.lang] ??= new Set();
    for (const q of p.questions) byLang[p.lang].add(q);
  }
  const rand = prng(seed);
  const lists = Object.keys(byLang)
    .sort()
    .map((lang) => [...byLang[lang]].sort().sort(() => rand() - 0.5));
  const out: string[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) out.push(l[i % l.length]);
  if (out.length === 0)
    throw new Error(`No front-matter questions in ${kbDir}; pass --kb with a Helpline KB.`);
  return out;
}
