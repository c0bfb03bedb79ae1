import { fileURLToPath } from 'node:url';

/** The shared labelled dev set (read-only, outside the repo); tests that need it skip without it. */
export const DEV_SET =
  process.env.HELPLINE_TRIAGE_DEV ??
  fileURLToPath(new URL('../../../shared/eval/triage.dev.jsonl', import.meta.url));
