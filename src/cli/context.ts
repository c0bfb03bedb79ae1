/** What most commands need: the validated config and, for KB commands, the opened KB. */
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createProgressBar, formatSummary } from '../knowledge/ingest/progress.ts';
import { type OpenedKb, openKnowledgeBase } from '../knowledge/open-kb.ts';
import type { Io } from './io.ts';

export function cliConfig(values: Record<string, string | boolean | undefined>): Config {
  return loadConfig({ overrides: { 'kb.dir': values.kb, 'server.port': values.port } });
}

/** Opens the KB with a progress bar on a terminal; `quiet` keeps stderr clean for scripts. */
export async function cliKb(
  config: Config,
  io: Io,
  options: {
    dir?: string;
    summary?: boolean;
    background?: boolean;
    onDenseError?: (err: unknown) => void;
    meaningAfter?: Promise<unknown>;
  } = {},
): Promise<OpenedKb> {
  const bar = io.tty ? createProgressBar(process.stderr) : undefined;
  const opened = await openKnowledgeBase(config, {
    dir: options.dir,
    onProgress: bar?.update,
    background: options.background,
    onDenseError: options.onDenseError,
    meaningAfter: options.meaningAfter,
  });
  bar?.finish();
  if (options.summary) io.err(formatSummary(opened.summary));
  else if (opened.summary.skipped.length > 0)
    io.err(`${opened.summary.skipped.length} file(s) skipped; run \`helpline ingest\` for the reasons.`);
  return opened;
}
