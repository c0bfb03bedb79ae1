/**
 * The commands, each loaded only when it runs: a one-shot call (`helpline classify …`) pays for its
 * own imports, not for the server's, the KB's and the workers' (DESIGN §8: a CLI call < 1 s).
 */
import type { Command } from './command.ts';

interface Entry {
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: Record<string, Entry> = {
  serve: {
    summary: 'web chat, console, webhooks and workers (embedded defaults)',
    load: async () => (await import('./serve.ts')).serve,
  },
  worker: {
    summary: 'run workers only (turns, deliveries, SLA timers) on BullMQ; needs REDIS_URL',
    load: async () => (await import('./worker.ts')).worker,
  },
  ingest: {
    summary: 'index a knowledge-base folder (incremental), with progress and a summary',
    load: async () => (await import('./ingest.ts')).ingest,
  },
  search: { summary: 'ranked passages for a query', load: async () => (await import('./search.ts')).search },
  ask: { summary: 'the answer the bot would give', load: async () => (await import('./ask.ts')).ask },
  classify: {
    summary: 'intent, severity P0–P3, category and rationale for a message',
    load: async () => (await import('./classify.ts')).classify,
  },
  eval: {
    summary:
      'measure retrieval (recall@k, MRR, abstention) and triage (accuracy, P0 recall) on labelled sets',
    load: async () => (await import('./eval.ts')).evaluate,
  },
  token: {
    summary: 'API tokens for scripts and integrations: create, list, revoke',
    load: async () => (await import('./admin.ts')).token,
  },
  'login-link': {
    summary: 'a single-use sign-in URL (15 minutes) for a user and role',
    load: async () => (await import('./admin.ts')).loginLink,
  },
  backup: {
    summary: 'write all durable state to a file (consistent while running)',
    load: async () => (await import('./backup.ts')).backup,
  },
  restore: {
    summary: 'load a backup into a new, empty database',
    load: async () => (await import('./backup.ts')).restore,
  },
  config: {
    summary: 'print the effective configuration (secrets masked)',
    load: async () => (await import('./config.ts')).config,
  },
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
