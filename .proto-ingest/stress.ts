import { readFileSync, readdirSync } from 'node:fs';
import { cleanMarkdown } from '../src/knowledge/ingest/clean.ts';
import { splitDoc } from '../src/knowledge/ingest/split.ts';
const en = readdirSync('/work/shared/eval-kb/en-18f-handbook').map((f) => readFileSync('/work/shared/eval-kb/en-18f-handbook/' + f, 'utf8')).join('\n');
const cases: Record<string, string> = {
  realistic4MB: en.repeat(Math.ceil(4e6 / en.length)).slice(0, 4e6),
  oneLineStars: 'a * b _ c [ d ** e __ f ` g '.repeat(40000),
  oneParagraphBrackets: '[x '.repeat(100000),
  unmatchedBold: ('**word and more text here\n').repeat(50000),
  noSpaces: 'x'.repeat(1e6),
  cjkNoPunct: '劳'.repeat(1e6),
};
for (const [name, text] of Object.entries(cases)) {
  const t0 = performance.now();
  const cleaned = cleanMarkdown(text);
  const t1 = performance.now();
  const passages = await splitDoc({ source: 'x.md', title: 'x', text: cleaned, lang: 'en', questions: [], keywords: [] });
  const t2 = performance.now();
  console.log(name, (text.length / 1e6).toFixed(1) + 'M chars', 'clean', Math.round(t1 - t0), 'ms split', Math.round(t2 - t1), 'ms', passages.length, 'passages');
}
