import { ingestKb } from '../src/knowledge/ingest/ingest.ts';
import { formatSummary, createProgressBar } from '../src/knowledge/ingest/progress.ts';
const bar = createProgressBar();
const r = await ingestKb(process.argv[2] ?? '/work/shared/eval-kb', { onProgress: bar.update, cacheFile: process.argv[3] });
bar.finish();
console.log(formatSummary(r.summary));
const lens = r.passages.map((p) => p.text.length).sort((a, b) => a - b);
console.log('median', lens[Math.floor(lens.length / 2)], 'max', lens[lens.length - 1], 'min', lens[0]);
if (process.env.DUMP) for (const p of r.passages.filter((p) => p.source.includes(process.env.DUMP!))) console.log('=====', p.id, '|', p.heading, '|', p.lang, p.keywords.join(','), '\n' + p.text);
