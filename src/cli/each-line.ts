/**
 * `--jsonl` for search, ask and classify: exactly one JSON object per line of standard input, in
 * order, so output line N answers input line N. A line that fails, or is blank, gets an object
 * saying so instead of its result: `{query, error: {code, message}}`.
 */
import type { Io } from './io.ts';

/**
 * `handle` gets the trimmed line and returns the line's object. The exit code is 1 when some line
 * failed; a blank line is reported (code EMPTY_INPUT) but is not a failure.
 */
export async function eachLine(io: Io, handle: (line: string) => Promise<object>): Promise<number> {
  let failed = 0;
  for await (const line of io.lines()) {
    const query = line.trim();
    if (!query) {
      io.out(lineError(query, 'EMPTY_INPUT', 'empty line: nothing to process'));
      continue;
    }
    try {
      io.out(JSON.stringify(await handle(query)));
    } catch (err) {
      failed++;
      const code = (err as { code?: unknown } | null | undefined)?.code;
      const message = err instanceof Error ? err.message : String(err);
      io.out(lineError(query, typeof code === 'string' ? code : 'INTERNAL', message));
    }
  }
  return failed ? 1 : 0;
}

/** `code` is a HelplineError code (ErrorCode), or a system error's (ECONNREFUSED…). */
function lineError(query: string, code: string, message: string): string {
  return JSON.stringify({ query, error: { code, message } });
}
