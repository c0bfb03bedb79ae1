/**
 * Retrieval and answer quality on every labelled set, with the Xapian peer beside it on the same
 * passages. Helpline runs as `helpline search --k 10` and `helpline ask` do: default configuration,
 * the KB opened by openKnowledgeBase (decline thresholds learned from the KB), `kb.search(q, 10)`,
 * `answerQuestion` with the configured k.
 *
 *   npm run quality                          every set (tune, held-out, dev)
 *   npm run quality -- --split tune          only the tune halves (the ones to develop on)
 *   npm run quality -- --curve               also the decline trade-off per set
 *   npm run -s quality -- --json             machine-readable
 *   npm run quality -- --shared DIR          where eval-kb/, eval-kb-2/ and peers/ are (default ../shared)
 *
 * Sets (bench/quality/sets/): questions written by people who saw only the documents, split into a
 * tune half (methods and parameters were chosen on it: its figures are training scores) and a
 * held-out half (never looked at; report these). The old dev set is read from ../shared/eval, a measuring
 * stick. A hit is a passage from a gold source that contains the gold anchor.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { answerQuestion } from '../src/assistant/answer-question.ts';
import { loadConfig } from '../src/config/load.ts';
import { type AnswerReport, evaluateAnswers } from '../src/eval/answer-eval.ts';
import { readJsonl } from '../src/eval/jsonl.ts';
import { evaluateRetrieval, type KbQuestion, type RetrievalReport } from '../src/eval/retrieval-eval.ts';
import type { Calibration } from '../src/knowledge/calibrate.ts';
import { type OpenedKb, openKnowledgeBase } from '../src/knowledge/open-kb.ts';
import type { SearchResult } from '../src/knowledge/types.ts';
import { xapianPeer } from './lib/xapian-peer.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SETS_DIR = path.join(ROOT, 'bench/quality/sets');
const K = 10;

type Split = 'tune' | 'heldout' | 'dev';
interface SetSpec {
  name: string;
  kb: 'eval-kb' | 'eval-kb-2';
  file: string;
  split: Split;
}

const SETS: SetSpec[] = [
  ...(['tune', 'heldout'] as const).flatMap((split) =>
    (['kb1', 'kb2'] as const).flatMap((kb) =>
      (['zh', 'en'] as const).map((lang) => ({
        name: `${kb} ${lang} ${split}`,
        kb: kb === 'kb1' ? ('eval-kb' as const) : ('eval-kb-2' as const),
        file: `${kb}-${lang}.${split}.jsonl`,
        split,
      })),
    ),
  ),
  { name: 'dev (old)', kb: 'eval-kb', file: 'shared:eval/kb-questions.dev.jsonl', split: 'dev' },
];

const { values: args } = parseArgs({
  options: {
    split: { type: 'string', default: 'all' },
    shared: { type: 'string' },
    curve: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

function sharedDir(): string {
  const candidates = args.shared
    ? [args.shared]
    : [path.resolve(ROOT, '../shared'), path.resolve(ROOT, '../../shared')];
  const found = candidates.find((d) => existsSync(path.join(d, 'eval-kb')));
  if (!found) throw new Error(`No eval-kb/ under ${candidates.join(' or ')}; pass --shared DIR.`);
  return found;
}

interface SetResult {
  set: string;
  split: Split;
  answerable: number;
  outOfScope: number;
  helpline: RetrievalReport;
  answers: AnswerReport;
  /**
   * Share of the answerable questions whose anchor an answer could quote at all: not declined, and
   * the anchor in one of the k passages answers are chosen from. No answer selection beats this.
   */
  quotable: number;
  xapian: RetrievalReport | { error: string };
  calibration: Calibration;
  /** Decline trade-off: threshold scaled by `factor` (1 = the learned one). */
  curve?: { factor: number; outOfScopeDeclined: number; answerableDeclined: number }[];
  /**
   * How well confidence separates the two kinds of question, whatever the threshold: the chance that
   * an answerable question gets a higher confidence than an out-of-scope one (ties count half; ROC
   * AUC). 0.5 is chance; no threshold declines most out-of-scope questions and few answerable ones
   * unless this is well above 0.8.
   */
  separation?: number;
}

const CURVE_FACTORS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3];

async function measure(spec: SetSpec, opened: OpenedKb, shared: string, k: number): Promise<SetResult> {
  const questions = readJsonl<KbQuestion>(
    spec.file.startsWith('shared:')
      ? path.join(shared, spec.file.slice('shared:'.length))
      : path.join(SETS_DIR, spec.file),
  );
  const { kb } = opened;
  const results = new Map<string, SearchResult>();
  const search = async (q: string) => {
    let r = results.get(q);
    if (!r) {
      r = await kb.search(q, K);
      results.set(q, r);
    }
    return r;
  };
  const helpline = await evaluateRetrieval(questions, search);
  const answerable = questions.filter((q) => q.gold.length > 0);
  let quotable = 0;
  for (const q of answerable) {
    const r = await search(q.question);
    if (
      r.answerable &&
      r.results.slice(0, k).some((x) => q.gold.some((g) => x.passage.text.includes(g.anchor)))
    )
      quotable++;
  }
  const answers = await evaluateAnswers(questions, async (q) => {
    const { reply } = await answerQuestion({ kb, k }, q);
    return { answered: reply.action === 'answered', text: reply.text };
  });
  const peer = xapianPeer(
    path.join(shared, 'peers/xapian-bm25.py'),
    kb.passages,
    questions.map((q) => q.question),
  );
  const xapian = 'error' in peer ? { error: peer.error } : await evaluateRetrieval(questions, peer.search);
  const result: SetResult = {
    set: spec.name,
    split: spec.split,
    answerable: answerable.length,
    outOfScope: questions.filter((q) => q.gold.length === 0).length,
    helpline,
    answers,
    quotable: answerable.length ? quotable / answerable.length : 0,
    xapian,
    calibration: kb.answerability(),
  };
  if (args.curve) {
    // confidence = m / (m + t) is below 0.5 exactly when m < t; scaling t by f moves the cut to f / (1 + f).
    const scored = await Promise.all(
      questions.map(async (q) => ({ oos: q.gold.length === 0, c: (await search(q.question)).confidence })),
    );
    const oos = scored.filter((s) => s.oos);
    const ans = scored.filter((s) => !s.oos);
    let above = 0;
    for (const a of ans) for (const o of oos) above += a.c > o.c ? 1 : a.c === o.c ? 0.5 : 0;
    result.separation = ans.length && oos.length ? above / (ans.length * oos.length) : undefined;
    result.curve = CURVE_FACTORS.map((factor) => {
      const cut = factor / (1 + factor);
      return {
        factor,
        outOfScopeDeclined: oos.filter((s) => s.c < cut).length / (oos.length || 1),
        answerableDeclined: ans.filter((s) => s.c < cut).length / (ans.length || 1),
      };
    });
  }
  return result;
}

const f3 = (x: number) => x.toFixed(3);

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

function render(results: SetResult[]): string {
  const pair = (
    h: number,
    x: RetrievalReport | { error: string },
    key: 'recallAt1' | 'recallAt5' | 'mrrAt10',
  ) => `${f3(h)} / ${'error' in x ? 'n/a' : f3(x.all[key])}`;
  const rows = results.map((r) => [
    `${r.set}${r.split === 'tune' ? ' (training)' : ''}`,
    `${r.answerable}+${r.outOfScope}`,
    pair(r.helpline.all.recallAt1, r.xapian, 'recallAt1'),
    pair(r.helpline.all.recallAt5, r.xapian, 'recallAt5'),
    pair(r.helpline.all.mrrAt10, r.xapian, 'mrrAt10'),
    r.outOfScope ? f3(r.helpline.declineRate) : '—',
    f3(r.helpline.falseDeclineRate),
    `${f3(r.answers.containsAnchor)} / ${f3(r.quotable)}`,
    String(Math.round(r.answers.medianChars)),
    `${r.calibration.minEvidence.zh.toFixed(1)} / ${r.calibration.minEvidence.en.toFixed(1)}`,
  ]);
  const out = [
    'Quality — Helpline (default configuration) / Xapian peer on the same passages; tune halves are training scores.',
    '',
    table(
      [
        'set',
        'answerable+OOS',
        'recall@1',
        'recall@5',
        'MRR@10',
        'OOS declined',
        'answerable declined',
        'answer has anchor / could have',
        'median answer chars',
        'threshold zh / en',
      ],
      rows,
    ),
  ];
  const errors = [...new Set(results.flatMap((r) => ('error' in r.xapian ? [r.xapian.error] : [])))];
  if (errors.length) out.push('', `Xapian peer not run: ${errors.join('; ')}`);
  const withCurve = results.filter((r) => r.curve);
  if (withCurve.length) {
    out.push(
      '',
      'Decline trade-off: the learned threshold scaled by a factor (1 = default); OOS declined / answerable declined. Separation: the chance an answerable question is more confident than an out-of-scope one.',
      '',
    );
    out.push(
      table(
        ['set', 'separation (AUC)', ...CURVE_FACTORS.map((f) => `×${f}`)],
        withCurve.map((r) => [
          r.set,
          r.separation === undefined ? '—' : f3(r.separation),
          ...(r.curve ?? []).map(
            (p) => `${p.outOfScopeDeclined.toFixed(2)} / ${p.answerableDeclined.toFixed(2)}`,
          ),
        ]),
      ),
    );
  }
  return out.join('\n');
}

const splits = args.split === 'all' ? ['tune', 'heldout', 'dev'] : args.split.split(',');
for (const s of splits)
  if (!['tune', 'heldout', 'dev'].includes(s))
    throw new Error(`--split must be all, tune, heldout or dev (comma-separated), not "${s}".`);
const shared = sharedDir();
const data = mkdtempSync(path.join(os.tmpdir(), 'helpline-quality-'));
try {
  const config = loadConfig({ overrides: { 'data.dir': data } });
  const opened = new Map<string, OpenedKb>();
  const results: SetResult[] = [];
  for (const spec of SETS.filter((s) => splits.includes(s.split))) {
    let kb = opened.get(spec.kb);
    if (!kb) {
      kb = await openKnowledgeBase(config, { dir: path.join(shared, spec.kb) });
      opened.set(spec.kb, kb);
    }
    results.push(await measure(spec, kb, shared, config.retrieval.k));
  }
  console.log(args.json ? JSON.stringify(results, null, 2) : render(results));
} finally {
  rmSync(data, { recursive: true, force: true });
}
