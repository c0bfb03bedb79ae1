/**
 * Retrieval benchmark: Helpline's lexical retrieval beside MiniSearch (BM25 defaults), measured in
 * the same run on the same passages and queries. DESIGN §8 targets: retrieval p95 < 5 ms on a
 * 10k-passage KB, index build ≥ 2,000 passages/s, RSS < 400 MB with a 10k-passage KB, and quality
 * clearly above the baseline.
 *
 *   npm run bench                       table
 *   npm run -s bench -- --json          machine-readable results (-s: no npm banner on stdout)
 *   npm run bench -- --kb DIR --dev FILE --passages 10000 --queries 1000 --seed 42
 *   npx node --cpu-prof bench/retrieval.bench.ts    profile
 *
 * Each system runs in its own child process (this script with --system), one after the other, so
 * RSS and heap figures belong to one index and the two never compete for the two cores. Node flags
 * given to this script (e.g. --cpu-prof) are passed on to the children, where the work happens.
 * How the 10k corpus and the 1,000 queries are grown from the eval KB: see lib/synthetic.ts.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readJsonl } from '../src/eval/jsonl.ts';
import {
  evaluateRetrieval,
  type KbQuestion,
  type LangScores,
  type RetrievalReport,
} from '../src/eval/retrieval-eval.ts';
import { ingestKb } from '../src/knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.ts';
import { DEFAULT_SYNONYMS } from '../src/knowledge/synonyms.ts';
import type { Passage, SearchResult } from '../src/knowledge/types.ts';
import {
  cpuShare,
  type Latency,
  latency,
  type Memory,
  memoryNow,
  memorySettled,
  peakRssMb,
  timed,
} from './lib/measure.ts';
import { asSearchResult, type BaselineVariant, buildMiniSearch } from './lib/minisearch-baseline.ts';
import { SHARED } from './lib/shared-dir.ts';
import { benchQueries, syntheticCorpus } from './lib/synthetic.ts';

const K = 10;
/** Warm-up queries per language, run before the timed pass (the first one is reported alone). */
const WARM_UP_PER_LANG = 5;

const { values: args } = parseArgs({
  options: {
    kb: { type: 'string', default: path.join(SHARED, 'eval-kb') },
    dev: { type: 'string', default: path.join(SHARED, 'eval/kb-questions.dev.jsonl') },
    passages: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '42' },
    json: { type: 'boolean', default: false },
    system: { type: 'string' },
  },
});

/** A positive whole number from the command line, or an error that says which flag is wrong. */
function count(flag: 'passages' | 'queries' | 'seed'): number {
  const n = Number(args[flag]);
  if (!Number.isInteger(n) || n < (flag === 'seed' ? 0 : 1))
    throw new Error(
      `--${flag} must be a ${flag === 'seed' ? 'non-negative' : 'positive'} integer, not "${args[flag]}".`,
    );
  return n;
}

type System = 'helpline' | 'minisearch';

interface SystemResult {
  system: System;
  corpus: { realPassages: number; passages: number; queries: number; labelled: number };
  build: { coldMs: number; warmMs: number; coldPerSec: number; warmPerSec: number };
  firstQueryMs: number;
  warmUp: { queries: number; ms: number };
  latency: Latency;
  /** Share of wall time on a CPU (own CPU time ÷ wall time); well below 1 means other load competed. */
  cpuShare: { build: number; queries: number };
  /**
   * Taken as an uninstrumented server would be (no forced GC) up to `settled`, which is after a
   * memory-reducing GC; `withoutIndex` is settled again once the index is dropped, so the difference
   * is what the index itself holds.
   */
  memory: {
    beforeBuild: Memory;
    afterBuild: Memory;
    /** Highest RSS up to the end of the build (ingest, corpus and build garbage included). */
    peakThroughBuildMb: number;
    afterQueries: Memory;
    peakRssMb: number;
    settled: Memory;
    withoutIndex: Memory;
  };
  /** Retrieval quality over the real eval KB (not the synthetic corpus), per variant. */
  quality: Record<string, RetrievalReport>;
}

interface Engine {
  search: (q: string) => SearchResult;
}

const BUILD: Record<System, (passages: Passage[]) => Engine> = {
  helpline: (passages) => {
    const kb = new KnowledgeBase(passages, { synonyms: DEFAULT_SYNONYMS });
    return { search: (q) => kb.searchLexical(q, K) };
  },
  minisearch: (passages) => miniSearchEngine(passages, 'chars'),
};

function miniSearchEngine(passages: Passage[], variant: BaselineVariant): Engine {
  const ms = buildMiniSearch(passages, variant);
  return { search: (q) => asSearchResult(ms, passages, q, K) };
}

/** Quality variants each child evaluates over the real KB. */
const QUALITY: Record<System, Record<string, (passages: Passage[]) => Engine>> = {
  helpline: { helpline: BUILD.helpline },
  minisearch: {
    chars: (p) => miniSearchEngine(p, 'chars'),
    defaults: (p) => miniSearchEngine(p, 'defaults'),
    charsAllFields: (p) => miniSearchEngine(p, 'charsAllFields'),
  },
};

/**
 * Warm-up, then one timed call per query. Lazily loaded tables (general-language word frequencies)
 * load on the first queries of each language: that time is reported apart, not in the latencies.
 */
function timeQueries(engine: Engine, warmQueries: string[], queries: string[]) {
  let sink = 0;
  const first = timed(() => {
    sink += engine.search(warmQueries[0]).results.length;
  });
  const warm = timed(() => {
    for (const q of warmQueries.slice(1)) sink += engine.search(q).results.length;
  });
  const samples: number[] = [];
  const pass = cpuShare(() => {
    for (const q of queries) {
      const start = performance.now();
      sink += engine.search(q).results.length;
      samples.push(performance.now() - start);
    }
  });
  if (sink < 0) console.log(sink); // keeps the results observable
  return { firstMs: first.ms, warmUpMs: first.ms + warm.ms, samples, cpuShare: pass.cpuShare };
}

/**
 * Builds the index (timed), times the queries, and measures memory with no forced GC until the end,
 * so peak RSS is what a server reaches. Returns only figures: once this frame is gone nothing keeps
 * the index alive, so the caller can measure memory without it.
 */
function buildAndQuery(system: System, corpus: Passage[], warmQueries: string[], queries: string[]) {
  const beforeBuild = memoryNow();
  const built = cpuShare(() => BUILD[system](corpus));
  const afterBuild = memoryNow();
  const peakThroughBuildMb = peakRssMb();
  const timing = timeQueries(built.value, warmQueries, queries);
  const afterQueries = memoryNow();
  const peakRss = peakRssMb();
  const settled = memorySettled();
  return {
    build: { ms: built.ms, cpuShare: built.cpuShare },
    timing,
    memory: { beforeBuild, afterBuild, peakThroughBuildMb, afterQueries, peakRssMb: peakRss, settled },
  };
}

async function runSystem(system: System): Promise<SystemResult> {
  const real = (await ingestKb(args.kb)).passages;
  const labelled = readJsonl<KbQuestion>(args.dev);
  const corpus = syntheticCorpus(real, count('passages'), count('seed'));
  const queries = benchQueries(labelled, real, count('queries'), count('seed') + 1);

  const warmQueries = ['zh', 'en'].flatMap((lang) =>
    labelled
      .filter((q) => q.lang === lang)
      .slice(0, WARM_UP_PER_LANG)
      .map((q) => q.question),
  );
  const m = buildAndQuery(system, corpus, warmQueries, queries);
  const withoutIndex = memorySettled();

  const rebuild = timed(() => BUILD[system](corpus));

  const quality: Record<string, RetrievalReport> = {};
  for (const [name, make] of Object.entries(QUALITY[system])) {
    const e = make(real);
    quality[name] = await evaluateRetrieval(labelled, e.search);
  }

  return {
    system,
    corpus: {
      realPassages: real.length,
      passages: corpus.length,
      queries: queries.length,
      labelled: labelled.length,
    },
    build: {
      coldMs: m.build.ms,
      warmMs: rebuild.ms,
      coldPerSec: (corpus.length / m.build.ms) * 1000,
      warmPerSec: (corpus.length / rebuild.ms) * 1000,
    },
    firstQueryMs: m.timing.firstMs,
    warmUp: { queries: warmQueries.length, ms: m.timing.warmUpMs },
    latency: latency(m.timing.samples),
    cpuShare: { build: m.build.cpuShare, queries: m.timing.cpuShare },
    memory: { ...m.memory, withoutIndex },
    quality,
  };
}

function runChild(system: System): Promise<SystemResult> {
  return new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, [...process.argv.slice(2), '--system', system], {
      execArgv: [...process.execArgv, '--expose-gc'],
    });
    let result: SystemResult | undefined;
    child.on('message', (m) => {
      result = m as SystemResult;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result) resolve(result);
      else
        reject(
          new Error(`The ${system} benchmark process exited with code ${code}; its error is printed above.`),
        );
    });
  });
}

// ---- report ----

interface Row {
  metric: string;
  helpline: string;
  minisearch: string;
  ratio: string;
  target: string;
  ok: string;
}

const fixed = (d: number) => (x: number) => x.toFixed(d);
const ratio = (h: number, m: number) => (Math.abs(m) > 1e-9 ? `×${(h / m).toFixed(2)}` : '—');
const check = (pass: boolean) => (pass ? '✓' : '✗');

function row(
  metric: string,
  h: number,
  m: number,
  fmt: (x: number) => string,
  target?: { text: string; pass: (h: number, m: number) => boolean },
): Row {
  return {
    metric,
    helpline: fmt(h),
    minisearch: fmt(m),
    // A baseline that prints as zero makes a meaningless ratio.
    ratio: Number(fmt(m)) === 0 ? '—' : ratio(h, m),
    target: target?.text ?? '',
    ok: target ? check(target.pass(h, m)) : '',
  };
}

const under400 = { text: '< 400', pass: (x: number) => x < 400 };
const under250 = { text: '< 250', pass: (x: number) => x < 250 };

/** "Clearly above" read as: at least 0.05 higher, absolute. */
const CLEAR_MARGIN = 0.05;

/** Settled memory with the index minus settled memory once it is dropped. */
function held(r: SystemResult, key: keyof Memory): number {
  return r.memory.settled[key] - r.memory.withoutIndex[key];
}

function performanceRows(h: SystemResult, m: SystemResult): Row[] {
  const ms3 = fixed(3);
  const mb = fixed(1);
  const hm = h.memory;
  const mm = m.memory;
  return [
    row('index build, first in process (ms)', h.build.coldMs, m.build.coldMs, fixed(0)),
    row('build rate, first in process (passages/s)', h.build.coldPerSec, m.build.coldPerSec, fixed(0), {
      text: '≥ 2000',
      pass: (x) => x >= 2000,
    }),
    row('build rate, rebuild (passages/s)', h.build.warmPerSec, m.build.warmPerSec, fixed(0)),
    row('first query, cold (ms)', h.firstQueryMs, m.firstQueryMs, fixed(1)),
    row(`warm-up, ${h.warmUp.queries} queries incl. first (ms)`, h.warmUp.ms, m.warmUp.ms, fixed(1)),
    row('query latency p50 (ms)', h.latency.p50, m.latency.p50, ms3),
    row('query latency p95 (ms)', h.latency.p95, m.latency.p95, ms3, { text: '< 5', pass: (x) => x < 5 }),
    row('query latency p99 (ms)', h.latency.p99, m.latency.p99, ms3),
    row('query latency mean (ms)', h.latency.mean, m.latency.mean, ms3),
    row('query latency max (ms)', h.latency.max, m.latency.max, ms3),
    row('CPU share, build (own CPU ÷ wall)', h.cpuShare.build, m.cpuShare.build, fixed(2)),
    row('CPU share, timed queries', h.cpuShare.queries, m.cpuShare.queries, fixed(2)),
    row('RSS before build (MB)', hm.beforeBuild.rssMb, mm.beforeBuild.rssMb, mb),
    row('RSS after build (MB)', hm.afterBuild.rssMb, mm.afterBuild.rssMb, mb),
    row('peak RSS through the build (MB)', hm.peakThroughBuildMb, mm.peakThroughBuildMb, mb, under400),
    row('RSS after queries (MB)', hm.afterQueries.rssMb, mm.afterQueries.rssMb, mb),
    row('peak RSS, whole process (MB)', hm.peakRssMb, mm.peakRssMb, mb, under400),
    row('RSS after queries, settled (MB)', hm.settled.rssMb, mm.settled.rssMb, mb, under250),
    row('RSS held by the index, settled (MB)', held(h, 'rssMb'), held(m, 'rssMb'), mb),
    row('heap used held by the index (MB)', held(h, 'heapUsedMb'), held(m, 'heapUsedMb'), mb),
    row('external held by the index (MB)', held(h, 'externalMb'), held(m, 'externalMb'), mb),
  ];
}

interface QualityRow extends Row {
  defaults: string;
  allFields: string;
}

function qualityRows(h: RetrievalReport, m: Record<string, RetrievalReport>): QualityRow[] {
  const f3 = fixed(3);
  const langs = [...new Set([...Object.keys(h.byLang), ...Object.keys(m.chars.byLang)])].sort().reverse();
  const scoresOf = (r: RetrievalReport, lang: string): LangScores | undefined =>
    lang === 'all' ? r.all : r.byLang[lang];
  const rows: QualityRow[] = [];
  for (const lang of [...langs, 'all']) {
    const hs = scoresOf(h, lang);
    const ms = scoresOf(m.chars, lang);
    if (!hs || !ms) continue;
    const n = `${lang} (${hs.questions})`;
    const metrics: [string, keyof LangScores, boolean][] = [
      ['recall@1', 'recallAt1', false],
      ['recall@5', 'recallAt5', true],
      ['MRR@10', 'mrrAt10', true],
    ];
    for (const [label, key, targeted] of metrics) {
      const base = row(`${label} ${n}`, hs[key], ms[key], f3, targeted ? clearlyAbove : undefined);
      rows.push({
        ...base,
        defaults: f3(scoresOf(m.defaults, lang)?.[key] ?? 0),
        allFields: f3(scoresOf(m.charsAllFields, lang)?.[key] ?? 0),
      });
    }
  }
  rows.push({
    metric: `out-of-scope declined (${h.outOfScope})`,
    helpline: f3(h.declineRate),
    minisearch: 'never',
    ratio: '—',
    target: '',
    ok: '',
    defaults: 'never',
    allFields: 'never',
  });
  rows.push({
    metric: 'answerable falsely declined',
    helpline: f3(h.falseDeclineRate),
    minisearch: 'never',
    ratio: '—',
    target: '',
    ok: '',
    defaults: 'never',
    allFields: 'never',
  });
  return rows;
}

const clearlyAbove = {
  text: `≥ MS + ${CLEAR_MARGIN}`,
  pass: (h: number, m: number) => h >= m + CLEAR_MARGIN,
};

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => `${i === 0 ? ':' : ''}${'-'.repeat(w + 1)}${i === 0 ? '' : ':'}`).join('|')}|`,
  ]
    .concat(rows.map(line))
    .join('\n');
}

function render(h: SystemResult, m: SystemResult, qm: Record<string, RetrievalReport>): string {
  const c = h.corpus;
  const perf = performanceRows(h, m);
  const qual = qualityRows(h.quality.helpline, qm);
  return [
    `Retrieval benchmark — Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.availableParallelism()}`,
    `Corpus: ${c.passages} passages (${c.realPassages} real from ${path.relative(process.cwd(), args.kb) || '.'}, ` +
      `${c.passages - c.realPassages} synthetic variants, seed ${args.seed}); ` +
      `${c.queries} queries (${c.labelled} labelled + ${c.queries - c.labelled} variants); top ${K} per query.`,
    'Helpline: KnowledgeBase.searchLexical with DEFAULT_SYNONYMS (the first query also learns the decline thresholds).',
    'MiniSearch: BM25 defaults over title, heading,',
    "text, with Han text split into single characters (MiniSearch's default tokenizer does not split Chinese at all).",
    'Each system runs in its own process; ratio = Helpline ÷ MiniSearch. Memory is taken with no forced GC (as a',
    'server runs) until "settled": after a memory-reducing GC, as V8 does by itself once idle. Peak RSS includes',
    'ingesting the KB. A CPU share well below 1.00 means other processes competed and the times are inflated.',
    '',
    table(
      ['metric', 'Helpline', 'MiniSearch', 'ratio', 'target', ''],
      perf.map((r) => [r.metric, r.helpline, r.minisearch, r.ratio, r.target, r.ok]),
    ),
    '',
    `Quality on ${path.relative(process.cwd(), args.dev)} over the ${c.realPassages} real passages (top ${K}).`,
    "MS = MiniSearch as above; 'MS defaults' = MiniSearch untouched; 'MS +q/kw' = MS also indexing the",
    'front-matter questions and keywords Helpline indexes. "Clearly above" = at least 0.05 higher.',
    '',
    table(
      ['metric', 'Helpline', 'MS', 'ratio', 'MS defaults', 'MS +q/kw', 'target', ''],
      qual.map((r) => [r.metric, r.helpline, r.minisearch, r.ratio, r.defaults, r.allFields, r.target, r.ok]),
    ),
  ].join('\n');
}

if (args.system) {
  const system = args.system as System;
  if (!(system in BUILD)) throw new Error(`--system must be one of ${Object.keys(BUILD).join(', ')}`);
  const result = await runSystem(system);
  process.send?.(result);
  process.disconnect?.();
} else {
  try {
    for (const flag of ['passages', 'queries', 'seed'] as const) count(flag); // fail before forking
    const started = performance.now();
    const helpline = await runChild('helpline');
    const minisearch = await runChild('minisearch');
    const seconds = (performance.now() - started) / 1000;
    if (args.json) {
      const mq = minisearch.quality;
      console.log(
        JSON.stringify(
          {
            node: process.version,
            cpus: os.availableParallelism(),
            seed: count('seed'),
            seconds,
            helpline,
            minisearch,
            targets: {
              retrievalP95Ms: { target: '< 5', value: helpline.latency.p95, pass: helpline.latency.p95 < 5 },
              buildPerSec: {
                target: '>= 2000',
                value: helpline.build.coldPerSec,
                pass: helpline.build.coldPerSec >= 2000,
              },
              rssSettledMb: {
                target: '< 250',
                value: helpline.memory.settled.rssMb,
                pass: helpline.memory.settled.rssMb < 250,
              },
              peakThroughBuildMb: {
                target: '< 400',
                value: helpline.memory.peakThroughBuildMb,
                pass: helpline.memory.peakThroughBuildMb < 400,
              },
              peakRssMb: {
                target: '< 400',
                value: helpline.memory.peakRssMb,
                pass: helpline.memory.peakRssMb < 400,
              },
              quality: {
                target: `recall@5 and MRR@10 (all) >= MiniSearch + ${CLEAR_MARGIN}`,
                pass:
                  helpline.quality.helpline.all.recallAt5 >= mq.chars.all.recallAt5 + CLEAR_MARGIN &&
                  helpline.quality.helpline.all.mrrAt10 >= mq.chars.all.mrrAt10 + CLEAR_MARGIN,
              },
            },
          },
          null,
          2,
        ),
      );
    } else {
      console.log(render(helpline, minisearch, minisearch.quality));
      console.log(`\n(${seconds.toFixed(1)} s)`);
    }
  } catch (err) {
    // The child has already printed its own error with a stack; one line here is enough.
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
