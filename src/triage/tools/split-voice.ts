/**
 * `node src/triage/tools/split-voice.ts FILE VOICE`: split a new writer's labelled set in two halves,
 * stratified by severity with a seeded shuffle (the same file gives the same halves): the tune half
 * goes to src/triage/data/voices/triage-VOICE.jsonl (training), the held-out half to
 * bench/quality/triage/split/triage-VOICE.heldout.jsonl (measured by `npm run triage:held-out`, never
 * tuned on). Prints counts only, never the messages.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { prng } from '../../util/prng.ts';
import { parseTrainingSet } from '../training-data.ts';
import { SEVERITIES } from '../types.ts';

const [file, voice, seedArg] = process.argv.slice(2);
if (!file || !voice || !/^[\w-]+$/.test(voice)) {
  console.error('usage: node src/triage/tools/split-voice.ts FILE VOICE [SEED]');
  process.exit(2);
}
const ROOT = resolve(import.meta.dirname, '../../..');
const lines = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim());
parseTrainingSet(lines.join('\n'), file); // validates every line
const random = prng(Number(seedArg ?? 2026));
const tune: string[] = [];
const held: string[] = [];
for (const severity of SEVERITIES) {
  const stratum = lines.filter((l) => (JSON.parse(l) as { severity: string }).severity === severity);
  for (let i = stratum.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [stratum[i], stratum[j]] = [stratum[j], stratum[i]];
  }
  stratum.forEach((l, i) => {
    const row = { voice, ...(JSON.parse(l) as Record<string, unknown>) };
    (i % 2 === 0 ? tune : held).push(JSON.stringify(row));
  });
}
// Back in the file's own order, so a diff against the source reads naturally.
const order = new Map(lines.map((l, i) => [(JSON.parse(l) as { id?: string }).id ?? String(i), i]));
const byOrder = (a: string, b: string) =>
  (order.get((JSON.parse(a) as { id: string }).id) ?? 0) -
  (order.get((JSON.parse(b) as { id: string }).id) ?? 0);
const tunePath = resolve(ROOT, `src/triage/data/voices/triage-${voice}.jsonl`);
const heldPath = resolve(ROOT, `bench/quality/triage/split/triage-${voice}.heldout.jsonl`);
writeFileSync(tunePath, `${tune.sort(byOrder).join('\n')}\n`);
writeFileSync(heldPath, `${held.sort(byOrder).join('\n')}\n`);
console.log(`${voice}: ${tune.length} tune → ${tunePath}, ${held.length} held out → ${heldPath}`);
