import { ask } from './ask.ts';
import { classify } from './classify.ts';
import type { Command } from './command.ts';
import { config } from './config.ts';
import { evaluate } from './eval.ts';
import { ingest } from './ingest.ts';
import { search } from './search.ts';
import { serve } from './serve.ts';
import { worker } from './worker.ts';

export const COMMANDS: Record<string, Command> = {
  serve,
  worker,
  ingest,
  search,
  ask,
  classify,
  eval: evaluate,
  config,
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'Helpline — HR and IT support assistant for Lark/Feishu, Slack and the web',
    '',
    'Usage: helpline <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `helpline <command> --help` for its options. Settings: environment variables or helpline.config.yaml.',
  ].join('\n');
}
