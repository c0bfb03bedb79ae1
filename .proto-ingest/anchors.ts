import { readFileSync } from 'node:fs';
import { ingestKb } from '../src/knowledge/ingest/ingest.ts';
const r = await ingestKb('/work/shared/eval-kb');
let ok = 0, bad = 0;
for (const line of readFileSync('/work/shared/eval/kb-questions.dev.jsonl', 'utf8').trim().split('\n')) {
  const q = JSON.parse(line);
  for (const g of q.gold) {
    const hit = r.passages.some((p) => p.source === g.source && p.text.includes(g.anchor));
    if (hit) ok++; else { bad++; console.log('MISS', q.id, g.source, g.anchor); }
  }
}
console.log({ ok, bad });
const ids = new Set(r.passages.map(p => p.id)); console.log('unique ids', ids.size === r.passages.length);
const langs: Record<string, number> = {}; for (const p of r.passages) langs[p.source.split('/')[0] + ':' + p.lang] = (langs[p.source.split('/')[0] + ':' + p.lang] ?? 0) + 1; console.log(langs);
const titles = new Set(r.passages.map(p => p.source + ' => ' + p.title)); console.log([...titles].join('\n'));
