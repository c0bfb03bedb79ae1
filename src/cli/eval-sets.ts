/**
 * The labelled sets `helpline eval` reads, checked line by line before anything runs: a line
 * without the fields a set needs is a USAGE error naming the file, the line and the field (exit
 * code 2), not a TypeError from deep inside the scoring; an empty set is refused, not scored as
 * Infinity ms per question.
 */
import { readFileSync } from 'node:fs';
import { HelplineError } from '../errors.ts';
import type { KbQuestion } from '../eval/retrieval-eval.ts';
import type { TriageEvalItem } from '../triage/evaluate.ts';
import { CATEGORIES, INTENTS, SEVERITIES } from '../triage/types.ts';

type Fields = Record<string, unknown>;
/** What is wrong with one parsed line, field by field (undefined: that field is fine). */
type Check = (item: Fields) => (string | undefined)[];

const KB_QUESTION_LINE = '{"id", "lang", "question", "gold": [{"source", "anchor"}]}';
const TRIAGE_LINE = '{"text", "intent", "severity", "category"} (and optionally "id", "role", "reporters")';

export function readKbQuestions(file: string): KbQuestion[] {
  return readSet<KbQuestion>(file, 'questions', KB_QUESTION_LINE, (q) => [
    field(q, 'question', nonEmptyString, 'a non-empty string'),
    field(q, 'gold', isGold, 'a list of {"source", "anchor"}, [] when the KB has no answer'),
    field(q, 'id', nonEmptyString, 'a non-empty string'),
    field(q, 'lang', nonEmptyString, 'a language such as "zh" or "en"'),
  ]);
}

export function readTriageItems(file: string): TriageEvalItem[] {
  const label = (key: string, allowed: readonly string[]) => (t: Fields) =>
    field(t, key, (v) => allowed.includes(v as string), `one of ${allowed.join(', ')}`);
  return readSet<TriageEvalItem>(file, 'messages', TRIAGE_LINE, (t) => [
    field(t, 'text', nonEmptyString, 'a non-empty string'),
    label('intent', INTENTS)(t),
    label('severity', SEVERITIES)(t),
    label('category', CATEGORIES)(t),
    t.role === undefined ? undefined : field(t, 'role', (v) => typeof v === 'string', 'a string'),
    t.reporters === undefined
      ? undefined
      : field(t, 'reporters', (v) => Number.isInteger(v) && (v as number) > 0, 'a whole number ≥ 1'),
  ]);
}

function readSet<T>(file: string, what: string, shape: string, check: Check): T[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new HelplineError('USAGE', `Cannot read ${file} (${(err as Error).message}); check the path.`, {
      cause: err,
    });
  }
  const items: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file} line ${i + 1}`;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      throw new HelplineError('USAGE', `${where}: not valid JSON; fix or remove that line.`);
    }
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new HelplineError('USAGE', `${where}: not a JSON object. Each line is ${shape}.`);
    const problems = check(item as Fields).filter((p) => p !== undefined);
    const absent = problems.filter((p) => p.startsWith('"')).map((p) => p.split(' ')[0]);
    const wrong = problems.filter((p) => !p.startsWith('"'));
    if (problems.length > 0) {
      const said = [...(absent.length ? [`missing ${absent.join(', ')}`] : []), ...wrong].join('; ');
      throw new HelplineError('USAGE', `${where}: ${said}. Each line is ${shape}.`);
    }
    items.push(item as T);
  });
  if (items.length === 0) throw new HelplineError('USAGE', `No ${what} in ${file}: each line is ${shape}.`);
  return items;
}

const nonEmptyString = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const isGold = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.every(
    (g: Fields | null) => typeof g === 'object' && nonEmptyString(g?.source) && nonEmptyString(g?.anchor),
  );

/** What is wrong with one field: `"key"` alone when it is missing, else why it is not `what`. */
function field(item: Fields, key: string, ok: (v: unknown) => boolean, what: string): string | undefined {
  const value = item[key];
  if (value === undefined || value === null) return `"${key}"`;
  return ok(value) ? undefined : `${key} must be ${what}, not ${JSON.stringify(value).slice(0, 60)}`;
}
