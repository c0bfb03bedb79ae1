import { ingestKb } from '../src/knowledge/ingest/ingest.ts';
const r = await ingestKb('/work/shared/eval-kb');
for (const lang of ['zh', 'en']) {
  const l = r.passages.filter((p) => p.lang === lang).map((p) => p.text.length).sort((a, b) => a - b);
  console.log(lang, l.length, 'median', l[l.length >> 1], 'p90', l[Math.floor(l.length * 0.9)], 'max', l.at(-1));
}
const parts = r.passages.filter((p) => /~\d+$/.test(p.id)).length;
console.log('continuation parts', parts);
