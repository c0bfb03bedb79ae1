/** `helpline <command>`: parses the command line, runs one command, maps errors to exit codes. */
import { toHelplineError } from '../errors.ts';
import type { Command } from './commands/command.ts';
import { COMMANDS, usage } from './commands/index.ts';
import { type Io, processIo } from './io.ts';
import { parseCommandLine } from './parse-command-line.ts';

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
  try {
    const command: Command = await entry.load();
    const { values, positionals } = parseCommandLine(name, command, rest);
    if (values.help) {
      io.out(`${command.usage}\n`);
      return 0;
    }
    return await command.run(values, positionals, io);
  } catch (err) {
    const e = toHelplineError(err);
    io.err(`helpline ${name}: ${e.message}`);
    if (e.code === 'INTERNAL' && e.cause instanceof Error && e.cause.stack) io.err(e.cause.stack);
    return e.code === 'USAGE' ? 2 : 1;
  }
}
