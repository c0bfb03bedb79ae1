import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { heldOutFiles as listHeldOut } from '../../src/triage/held-out-files.ts';

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

/** Every held-out file in the datasets folder (src/triage/held-out-files.ts). */
export function heldOutFiles(dir: string = DATASETS_DIR): string[] {
  return listHeldOut(dir);
}
