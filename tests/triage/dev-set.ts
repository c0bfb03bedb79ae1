import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Labelled sets outside the repo that measure triage and must never be trained on: the shared dev
 * set (beside a checkout, `../shared`), and the held-out messages in bench/quality/triage.
 */
const near = (rel: string) =>
  ['../../../', '../../../../'].map((up) => fileURLToPath(new URL(`${up}${rel}`, import.meta.url)));
const firstExisting = (paths: string[]) => paths.find((p) => existsSync(p)) ?? paths[0];

export const DEV_SET = process.env.HELPLINE_TRIAGE_DEV ?? firstExisting(near('shared/eval/triage.dev.jsonl'));

/** The held-out messages kept in the repo (`split/` halves, `triage/` whole sets), for everyone to re-measure. */
export const DATASETS_DIR =
  process.env.HELPLINE_DATASETS ?? fileURLToPath(new URL('../../bench/quality/triage', import.meta.url));

/**
 * Every held-out file: the held-out halves in `split/`, and each whole set in `triage/` that was not
 * split (a split set's tune half is training data by design, so only its held-out half is checked).
 */
export function heldOutFiles(dir: string = DATASETS_DIR): string[] {
  const split = join(dir, 'split');
  const whole = join(dir, 'triage');
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
