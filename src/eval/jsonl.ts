import { readFileSync } from 'node:fs';
import { HelplineError } from '../errors.ts';

/** Read a JSON-lines file; a bad line is an error that names the file and line. */
export function readJsonl<T>(file: string): T[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new HelplineError('NOT_FOUND', `Cannot read ${file}: check the path.`, { cause: err });
  }
  const out: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      throw new HelplineError('BAD_REQUEST', `${file}:${i + 1} is not valid JSON; fix or remove that line.`);
    }
  });
  return out;
}
