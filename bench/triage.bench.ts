/**
 * Triage benchmark: classify throughput and latency (it runs in every turn), start-up cost and the
 * one-shot CLI call, each beside a baseline measured in the same run.
 *
 *   npm run bench:triage                      tables (about 30 s on 2 cores)
 *   npm run -s bench:triage -- --json         machine-readable (-s: no npm banner on stdout)
 *   npm run bench:triage -- --calls 20000 --no-quality
 *
 * Baselines: for latency, a plain multinomial logistic regression over the same text features (no
 * signals, no rules) trained on the same data — the "plain peer" of issue 10; for start-up, training
 * the model at start as getTriageModel did before the artifact; for quality, that plain model under the
 * same cross-validation. Start-up and the CLI call run in fresh child processes.
 */
import { execFileSync, fork } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { classify } from '../src/triage/classify.ts';
import { crossValidate } from '../src/triage/cross-validate.ts';
import type { TriageReport } from '../src/triage/evaluate.ts';
import { extractFeatures } from '../src/triage/features.ts';
import { argmax, type Classifier } from '../src/triage/model.ts';
import { loadTrainingData } from '../src/triage/training-data.ts';
import {
  getTriageModel,
  SHIPPED_MODEL_OPTIONS,
  type TriageModel,
  trainTriageModel,
} from '../src/triage/triage-model.ts';
import { CATEGORIES, INTENTS, SEVERITIES, type TriageResult } from '../src/triage/types.ts';
import { cpuShare, type Latency, latency } from './lib/measure.ts';
import { table } from './lib/table.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    'cli-runs': { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    'no-quality': { type: 'boolean', default: false },
    child: { type: 'string' },
  },
});

// --- child processes: one cold start each ---------------------------------------------------------
if (args.child) {
  const t0 = performance.now();
  const { classify: run } = await import('../src/triage/classify.ts');
  const { getTriageModel: get, trainTriageModel: train } = await import('../src/triage/triage-model.ts');
  const imported = performance.now();
  let model: ReturnType<typeof get>;
  if (args.child === 'train') {
    const data = await import('../src/triage/training-data.ts');
    const { SHIPPED_MODEL_OPTIONS: options } = await import('../src/triage/triage-model.ts');
    const { original, voices } = data.loadTrainingData();
    model = train([...original, ...voices], options);
  } else {
    model = get();
  }
  const ready = performance.now();
  run({ text: '考勤系统宕机了，全公司都打不了卡' }, model);
  const first = performance.now();
  process.send?.({
    importMs: imported - t0,
    modelMs: ready - imported,
    firstMs: first - ready,
    totalMs: first - t0,
  });
  process.exit(0);
}

interface StartUp {
  importMs: number;
  modelMs: number;
  firstMs: number;
  totalMs: number;
}

function child(kind: 'artifact' | 'train'): Promise<StartUp> {
  return new Promise((resolve, reject) => {
    const c = fork(import.meta.filename, ['--child', kind], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    c.once('message', (m) => resolve(m as StartUp));
    c.once('error', reject);
    c.once('exit', (code) => code !== 0 && reject(new Error(`startup child exited ${code}`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall time of whole `helpline classify` processes, and of a process that only loads the command. */
function oneShot(runs: number): { cliMs: number; commandOnlyMs: number; nodeMs: number } {
  const node = process.execPath;
  const time = (argv: string[]) => {
    const t = performance.now();
    execFileSync(node, argv, {
      cwd: ROOT,
      stdio: 'ignore',
      env: { ...process.env, OPENAI_BASE_URL: '', OPENAI_API_KEY: '' },
    });
    return performance.now() - t;
  };
  const text = '考勤系统宕机了，全公司都打不了卡';
  const commandOnly = [
    '--input-type=module',
    '-e',
    `const { classify } = await import(${JSON.stringify(path.join(ROOT, 'src/cli/commands/classify.ts'))}); await classify.run({ json: true, offline: true }, [${JSON.stringify(text)}], { out() {}, err() {}, lines: async function* () {}, tty: false });`,
  ];
  const cli: number[] = [];
  const only: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    cli.push(time(['bin/helpline.js', 'classify', '--offline', '--json', text]));
    only.push(time(commandOnly));
    bare.push(time(['-e', '0']));
  }
  return { cliMs: median(cli), commandOnlyMs: median(only), nodeMs: median(bare) };
}

// --- the plain peer: logistic regression on text features only ------------------------------------
const PLAIN_OPTIONS = { ...SHIPPED_MODEL_OPTIONS, signalFeatures: false };

/** The plain model's labels for a text: the argmax of each head, no signals, no rules. */
function plainPredict(model: TriageModel, text: string): TriageResult {
  const f = extractFeatures(text);
  const label = <T extends string>(c: Classifier, labels: readonly T[]) => labels[argmax(c.predict(f))];
  return {
    intent: label(model.intent, INTENTS),
    severity: label(model.severity, SEVERITIES),
    category: label(model.category, CATEGORIES),
    rationale: '',
    signals: [],
    confidence: { intent: 0, severity: 0, category: 0 },
  };
}

function timeCalls(texts: string[], calls: number, fn: (text: string) => unknown) {
  const warm = Math.min(500, calls);
  for (let i = 0; i < warm; i++) fn(texts[i % texts.length]);
  const ms: number[] = new Array(calls);
  const { ms: total, cpuShare: share } = cpuShare(() => {
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      fn(texts[i % texts.length]);
      ms[i] = performance.now() - t;
    }
  });
  return { latency: latency(ms), perSecond: calls / (total / 1000), cpuShare: share };
}

// --- run -------------------------------------------------------------------------------------------
const calls = Number(args.calls);
const { original, voices } = loadTrainingData();
const all = [...original, ...voices];
const shortTexts = all.map((e) => e.text);
// Long messages (a rambling report, a thread re-classified as one text): three messages joined.
const longTexts = shortTexts.map((_, i) =>
  [0, 1, 2].map((k) => shortTexts[(i * 7 + k * 131) % shortTexts.length]).join('\n'),
);

const startArtifact: StartUp[] = [];
const startTrain: StartUp[] = [];
for (let i = 0; i < 3; i++) {
  startArtifact.push(await child('artifact'));
  startTrain.push(await child('train'));
}
const pick = (runs: StartUp[], k: keyof StartUp) => median(runs.map((r) => r[k]));

const model = getTriageModel();
const plainTrained = trainTriageModel(all, PLAIN_OPTIONS);
const plain = (text: string) => plainPredict(plainTrained, text);
const helplineShort = timeCalls(shortTexts, calls, (t) => classify({ text: t }, model));
const plainShort = timeCalls(shortTexts, calls, plain);
const helplineLong = timeCalls(longTexts, Math.ceil(calls / 4), (t) => classify({ text: t }, model));
const plainLong = timeCalls(longTexts, Math.ceil(calls / 4), plain);
const cli = oneShot(Number(args['cli-runs']));

let quality: { helpline: TriageReport; plain: TriageReport } | undefined;
if (!args['no-quality']) {
  // The same folds as `npm run triage:cv`; the plain model is trained and asked per fold likewise.
  quality = {
    helpline: crossValidate(voices, { base: original }).pooled,
    plain: crossValidate(voices, {
      base: original,
      model: PLAIN_OPTIONS,
      predict: (m, item) => plainPredict(m, item.text),
    }).pooled,
  };
}

const result = {
  node: process.version,
  calls,
  examples: all.length,
  startUp: {
    artifact: {
      totalMs: pick(startArtifact, 'totalMs'),
      modelMs: pick(startArtifact, 'modelMs'),
      importMs: pick(startArtifact, 'importMs'),
      firstMs: pick(startArtifact, 'firstMs'),
    },
    trainAtStart: {
      totalMs: pick(startTrain, 'totalMs'),
      modelMs: pick(startTrain, 'modelMs'),
      importMs: pick(startTrain, 'importMs'),
      firstMs: pick(startTrain, 'firstMs'),
    },
  },
  oneShotCli: cli,
  latency: {
    short: { helpline: helplineShort, plain: plainShort },
    long: { helpline: helplineLong, plain: plainLong },
  },
  quality: quality && {
    helpline: strip(quality.helpline),
    plain: strip(quality.plain),
  },
};

function strip(r: TriageReport) {
  const { errors: _errors, ...rest } = r;
  return rest;
}

if (args.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f1 = (x: number) => x.toFixed(1);
  const f3 = (x: number) => x.toFixed(3);
  const lat = (l: Latency) => [f3(l.p50), f3(l.p95), f3(l.p99), f3(l.max)];
  console.log(
    `Triage benchmark — Node ${process.version}, ${all.length} labelled messages as input, ${calls} timed calls\n`,
  );
  console.log(
    'Start-up in a fresh process (median of 3): import the classifier, get the model, first message',
  );
  console.log(
    table(
      ['', 'import ms', 'model ms', 'first call ms', 'total ms'],
      [
        [
          'Helpline: read data/triage-model.json',
          ...(['importMs', 'modelMs', 'firstMs', 'totalMs'] as const).map((k) =>
            f1(result.startUp.artifact[k]),
          ),
        ],
        [
          'baseline: train at start (before)',
          ...(['importMs', 'modelMs', 'firstMs', 'totalMs'] as const).map((k) =>
            f1(result.startUp.trainAtStart[k]),
          ),
        ],
      ],
    ),
  );
  console.log(`\nOne-shot CLI, whole process (median of ${args['cli-runs']}; target < 1000 ms)`);
  console.log(
    table(
      ['', 'wall ms'],
      [
        ['node -e 0 (the floor)', f1(cli.nodeMs)],
        ['load the classify command and classify one message', f1(cli.commandOnlyMs)],
        ['`helpline classify --offline --json TEXT`', `${f1(cli.cliMs)} ${cli.cliMs < 1000 ? '✓' : '✗'}`],
      ],
    ),
  );
  console.log('\nPer-call latency (ms) and throughput, warm, one thread');
  const row = (name: string, r: ReturnType<typeof timeCalls>) => [
    name,
    ...lat(r.latency),
    f1(r.perSecond),
    r.cpuShare.toFixed(2),
  ];
  console.log(
    table(
      ['', 'p50', 'p95', 'p99', 'max', 'messages/s', 'CPU share'],
      [
        row('Helpline classify, messages as written', helplineShort),
        row('baseline: plain logistic regression', plainShort),
        row('Helpline classify, three messages joined', helplineLong),
        row('baseline: plain logistic regression', plainLong),
      ],
    ),
  );
  console.log(
    `\nHelpline ÷ baseline: p95 ×${(helplineShort.latency.p95 / plainShort.latency.p95).toFixed(1)} (as written), ×${(helplineLong.latency.p95 / plainLong.latency.p95).toFixed(1)} (joined); throughput ×${(helplineShort.perSecond / plainShort.perSecond).toFixed(2)}`,
  );
  if (quality) {
    const q = (r: TriageReport) => [
      f3(r.intentAccuracy),
      f3(r.severityAccuracy),
      `${f3(r.p0Recall)}`,
      f3(r.p0Precision),
      String(r.underratedBy2),
      f3(r.categoryAccuracy),
    ];
    console.log(
      "\nQuality, 5-fold CV on the voice sets (training figures: Helpline's rules were tuned on these sets)",
    );
    console.log(
      table(
        ['', 'intent', 'severity', 'P0 recall', 'P0 precision', '≥2 levels low', 'category'],
        [
          ['Helpline', ...q(quality.helpline)],
          ['baseline: plain logistic regression', ...q(quality.plain)],
        ],
      ),
    );
  }
}
