/** Where CLI commands write: injectable so tests can run commands in-process. */
import { createInterface } from 'node:readline';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Lines of standard input, for --jsonl. */
  lines(): AsyncIterable<string>;
  /** Whether stderr is a terminal (progress bars only then). */
  tty: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  lines: () => createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY }),
  tty: Boolean(process.stderr.isTTY),
};
