import type { ParseArgsConfig } from 'node:util';
import type { Io } from '../io.ts';

export interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[], io: Io): Promise<number>;
}

export const HELP = { help: { type: 'boolean', short: 'h' } } as const;
export const KB = { kb: { type: 'string' } } as const;
