/**
 * The held-out message files under a datasets folder (bench/quality/triage): the held-out halves in
 * `split/`, and each whole set in `triage/` that was not split (a split set's tune half is training
 * data by design, so only its held-out half counts). Read by `npm run triage:held-out` to measure and
 * by the near-copy test to keep them out of the training data.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export function heldOutFiles(root: string): string[] {
  const split = join(root, 'split');
  const whole = join(root, 'triage');
  const halves = existsSync(split)
    ? readdirSync(split)
        .filter((f) => /^triage-.+\.heldout\.jsonl$/.test(f))
        .map((f) => join(split, f))
    : [];
  const splitNames = new Set(halves.map((f) => basename(f).replace(/^triage-|\.heldout\.jsonl$/g, '')));
  const unsplit = existsSync(whole)
    ? readdirSync(whole)
        .filter((f) => f.endsWith('.jsonl') && !splitNames.has(basename(f, '.jsonl')))
        .map((f) => join(whole, f))
    : [];
  return [...halves, ...unsplit].sort();
}
