/**
 * A command's arguments through `node:util` parseArgs, with the mistakes people make answered in
 * Helpline's words (USAGE errors, exit code 2): a negative number as an option's value
 * (`--k -1` reaches the command's own range check instead of "argument is ambiguous"), an unknown
 * option (with the closest known one), and options that exclude each other.
 */
import { parseArgs } from 'node:util';
import { HelplineError } from '../errors.ts';
import { closestName } from '../util/closest-name.ts';
import type { Command } from './commands/command.ts';

export interface ParsedCommandLine {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Options that cannot be given together: each pair's reason is part of the message. */
const EXCLUSIVE: [string, string, string][] = [
  ['json', 'jsonl', '--json prints one object for the text given, --jsonl one per line of standard input'],
];

export function parseCommandLine(name: string, command: Command, args: string[]): ParsedCommandLine {
  let parsed: ParsedCommandLine;
  try {
    parsed = parseArgs({
      args: negativeValuesJoined(command, args),
      options: command.options,
      allowPositionals: true,
      strict: true,
    }) as ParsedCommandLine;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (!code?.startsWith('ERR_PARSE_ARGS')) throw err;
    throw new HelplineError('USAGE', `${messageOf(name, command, err as Error)}\n\n${command.usage}`);
  }
  for (const [a, b, why] of EXCLUSIVE) {
    if (parsed.values[a] !== undefined && parsed.values[b] !== undefined)
      throw new HelplineError(
        'USAGE',
        `--${a} and --${b} cannot be used together: ${why}.\n\n${command.usage}`,
      );
  }
  return parsed;
}

/** `--k -1` → `--k=-1`: a value option followed by a negative number takes it as its value. */
function negativeValuesJoined(command: Command, args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return [...out, ...args.slice(i)];
    const next = args[i + 1];
    const option = arg.startsWith('--') && !arg.includes('=') ? command.options[arg.slice(2)] : undefined;
    if (option?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function messageOf(name: string, command: Command, err: Error): string {
  const unknown = /^Unknown option '([^']+)'/.exec(err.message)?.[1];
  if (!unknown) return err.message;
  const known = Object.keys(command.options).map((o) => `--${o}`);
  const guess = unknown.startsWith('--') ? closestName(unknown.replace(/=.*$/, ''), known) : undefined;
  return (
    `Unknown option ${unknown}${guess ? ` (did you mean ${guess}?)` : ''}. ` +
    `To pass text that starts with "-", put it after "--": helpline ${name} -- "${unknown}"`
  );
}
