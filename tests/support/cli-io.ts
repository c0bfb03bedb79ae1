/** The CLI's Io with what it printed kept, and `stdin` as the lines it reads (tests of `helpline …`). */
import type { Io } from '../../src/cli/io.ts';

export function recordingIo(stdin: string[] = []): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    lines: async function* () {
      yield* stdin;
    },
    tty: false,
  };
}
