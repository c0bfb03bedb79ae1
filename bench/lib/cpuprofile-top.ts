/**
 * Where a V8 CPU profile (node --cpu-prof) spent its time: the functions with the most self time,
 * and the most inclusive time (self plus callees, each function counted once per stack).
 *
 *   npx node bench/lib/cpuprofile-top.ts prof/bullmq.cpuprofile [--top 25] [--filter src/]
 *   npx node bench/lib/cpuprofile-top.ts prof/bullmq.cpuprofile --callers writeUtf8String [--depth 6]
 *
 * --callers NAME: the stacks below the functions whose label contains NAME, by their self time, so
 * time spent in a runtime builtin can be traced to the project code that called it.
 * --until MS: only the samples of the first MS milliseconds of the profile (e.g. a start up to ready).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    filter: { type: 'string' },
    callers: { type: 'string' },
    depth: { type: 'string', default: '6' },
    until: { type: 'string' },
  },
});
if (positionals.length !== 1) throw new Error('Usage: node bench/lib/cpuprofile-top.ts FILE.cpuprofile');
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
const top = Number(values.top);
const root = path.resolve(import.meta.dirname, '../..');

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: ProfileNode) => {
  const f = n.callFrame;
  const url = f.url.replace(/^file:\/\//, '').replace(`${root}/`, '');
  return `${f.functionName || '(anonymous)'} ${url ? `${url}:${f.lineNumber + 1}` : ''}`.trim();
};

const self = new Map<string, number>();
const stacks = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let at = profile.startTime;
const until = values.until === undefined ? Number.POSITIVE_INFINITY : Number(values.until) * 1000;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i] ?? 0;
  if (at - profile.startTime > until) break;
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  total += dt;
  const leaf = byId.get(profile.samples[i]);
  if (!leaf) continue;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
  if (values.callers && label(leaf).includes(values.callers)) {
    const chain: string[] = [];
    for (
      let id = parent.get(leaf.id);
      id !== undefined && chain.length < Number(values.depth);
      id = parent.get(id)
    )
      chain.push(label(byId.get(id)!));
    const key = chain.join('\n      ← ');
    stacks.set(key, (stacks.get(key) ?? 0) + dt);
  }
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const l = label(byId.get(id)!);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
  }
}

const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (of ${total.toFixed(0)} ms sampled)`);
  const rows = [...m].filter(([l]) => !values.filter || l.includes(values.filter));
  for (const [l, ms] of rows.sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${l}`);
};
if (values.callers) {
  console.log(`\nStacks under "${values.callers}" by its self time (of ${total.toFixed(0)} ms sampled)`);
  for (const [chain, ms] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms.toFixed(0).padStart(8)} ms  ${chain}`);
} else {
  print('Self time', self);
  print('Inclusive time', inclusive);
}
