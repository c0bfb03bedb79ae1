/** `helpline <command>`: parses the command line, runs one command, maps errors to exit codes. */
import { parseArgs } from 'node:util';
import { HelplineError, toHelplineError } from '../errors.ts';
import type { Command } from './commands/command.ts';
import { COMMANDS, usage } from './commands/index.ts';
import { type Io, processIo } from './io.ts';

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  let command: Command | undefined;
  try {
    command = await entry.load();
    const { values, positionals } = parseArgs({
      args: rest,
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(`${command.usage}\n`);
      return 0;
    }
    return await command.run(values as Record<string, string | boolean | undefined>, positionals, io);
  } catch (err) {
    const e =
      err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')
        ? new HelplineError('USAGE', `${err.message}\n\n${command?.usage ?? ''}`)
        : toHelplineError(err);
    io.err(`helpline ${name}: ${e.message}`);
    if (e.code === 'INTERNAL' && e.cause instanceof Error && e.cause.stack) io.err(e.cause.stack);
    return e.code === 'USAGE' ? 2 : 1;
  }
}
