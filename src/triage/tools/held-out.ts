/**
 * `npm run triage:held-out`: the figures on held-out messages, measured the way DESIGN §6 scripts
 * see the classifier — `helpline classify --jsonl --role ROLE` in a child process, messages grouped by
 * role (--role applies to every line). Prints aggregate figures and confusion matrices only: no
 * message text, no per-message result, so running it teaches nothing to tune on.
 *
 *   npm run triage:held-out                      the held-out files in bench/quality/triage (see below)
 *   npm run triage:held-out -- --dir DIR --json
 *
 * Files: split/triage-*.heldout.jsonl, and each whole set in triage/ that has no split halves.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateTriage, type TriageEvalItem, type TriageReport } from '../evaluate.ts';
import { heldOutFiles } from '../held-out-files.ts';
import type { TriageResult } from '../types.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const { values: args } = parseArgs({
  options: { dir: { type: 'string' }, json: { type: 'boolean', default: false } },
});
const dir = args.dir ?? resolve(ROOT, 'bench/quality/triage');
if (!dir || !existsSync(dir)) {
  console.error('No datasets folder found; pass --dir DIR (the folder holding split/ and triage/).');
  process.exit(2);
}

/** `helpline classify --jsonl --offline --role ROLE` over the texts, one result per text, in order. */
function classifyAll(
  texts: string[],
  role: string,
): Pick<TriageResult, 'intent' | 'severity' | 'category'>[] {
  // One message per line: a line break inside a message would split it in two.
  const input = `${texts.map((t) => t.replace(/\s*[\r\n]+\s*/g, ' ')).join('\n')}\n`;
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/helpline.js'), 'classify', '--jsonl', '--offline', '--role', role],
    {
      input,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, OPENAI_BASE_URL: '', OPENAI_API_KEY: '' },
    },
  );
  if (run.status !== 0)
    throw new Error(`helpline classify exited ${run.status}: ${run.stderr.slice(0, 500)}`);
  const out = run.stdout.split('\n').filter((l) => l.trim());
  if (out.length !== texts.length) throw new Error(`expected ${texts.length} results, got ${out.length}`);
  return out.map((l) => JSON.parse(l));
}

type Row = TriageEvalItem & { role: string };

function evaluateFile(file: string): TriageReport {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
  const byRole = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const role = r.role || 'employee';
    byRole.set(role, [...(byRole.get(role) ?? []), i]);
  });
  const predicted = new Array<Pick<TriageResult, 'intent' | 'severity' | 'category'>>(rows.length);
  for (const [role, ids] of byRole) {
    const results = classifyAll(
      ids.map((i) => rows[i].text),
      role,
    );
    ids.forEach((id, k) => {
      predicted[id] = results[k];
    });
  }
  const report = evaluateTriage(rows, (item) => ({
    ...predicted[rows.indexOf(item as Row)],
    rationale: '',
    signals: [],
    confidence: { intent: 0, severity: 0, category: 0 },
  }));
  return { ...report, errors: [] };
}

const files = heldOutFiles(dir);
const reports = files.map((f) => ({
  set: basename(f).replace(/^triage-|\.jsonl$/g, ''),
  report: evaluateFile(f),
}));

// Pooled: sums of the per-file counts.
function pool(rs: TriageReport[]): TriageReport {
  const n = rs.reduce((s, r) => s + r.n, 0);
  const confusion: Record<string, Record<string, number>> = {};
  for (const r of rs)
    for (const [g, row] of Object.entries(r.confusion))
      for (const [p, c] of Object.entries(row)) {
        confusion[g] ??= {};
        confusion[g][p] = (confusion[g][p] ?? 0) + c;
      }
  const weighted = (k: 'intentAccuracy' | 'severityAccuracy' | 'categoryAccuracy') =>
    rs.reduce((s, r) => s + r[k] * r.n, 0) / n;
  const p0 = Object.values(confusion.P0 ?? {}).reduce((a, b) => a + b, 0);
  const ratedP0 = Object.values(confusion).reduce((s, row) => s + (row.P0 ?? 0), 0);
  return {
    n,
    intentAccuracy: weighted('intentAccuracy'),
    severityAccuracy: weighted('severityAccuracy'),
    categoryAccuracy: weighted('categoryAccuracy'),
    severityMacroF1: Number.NaN,
    p0Recall: p0 ? (confusion.P0?.P0 ?? 0) / p0 : 1,
    p0Precision: ratedP0 ? (confusion.P0?.P0 ?? 0) / ratedP0 : 1,
    underratedBy2: rs.reduce((s, r) => s + r.underratedBy2, 0),
    confusion,
    errors: [],
  };
}
const all = pool(reports.map((r) => r.report));

if (args.json) {
  console.log(JSON.stringify({ dir, sets: reports, all }, null, 2));
} else {
  const f2 = (x: number) => x.toFixed(2);
  const p0Of = (r: TriageReport) => {
    const total = Object.values(r.confusion.P0 ?? {}).reduce((a, b) => a + b, 0);
    return `${f2(r.p0Recall)} (${r.confusion.P0?.P0 ?? 0}/${total})`;
  };
  console.log(`Held-out sets under ${dir}, via helpline classify --jsonl --offline --role ROLE\n`);
  console.log('| set | n | intent | severity | P0 recall | P0 precision | ≥2 levels low | category |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const { set, report: r } of [...reports, { set: 'all', report: all }])
    console.log(
      `| ${set} | ${r.n} | ${f2(r.intentAccuracy)} | ${f2(r.severityAccuracy)} | ${p0Of(r)} | ${f2(r.p0Precision)} | ${r.underratedBy2} | ${f2(r.categoryAccuracy)} |`,
    );
  const labels = ['P0', 'P1', 'P2', 'P3'];
  for (const { set, report: r } of [...reports, { set: 'all', report: all }]) {
    console.log(`\n${set}: severity confusion (rows gold, columns predicted)`);
    console.log(`  gold\\pred ${labels.map((l) => l.padStart(5)).join('')}`);
    for (const g of labels)
      console.log(
        `  ${g.padEnd(9)} ${labels.map((p) => String(r.confusion[g]?.[p] ?? 0).padStart(5)).join('')}`,
      );
  }
}
