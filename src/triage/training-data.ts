/** Loads and validates the labelled triage set kept in the repo (src/triage/data/triage-train.jsonl). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HelplineError } from '../errors.ts';
import { CATEGORIES, INTENTS, type LabelledMessage, ROLES, SEVERITIES } from './types.ts';

export const DEFAULT_TRAINING_PATH = fileURLToPath(new URL('./data/triage-train.jsonl', import.meta.url));

function oneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** Parse JSONL text into labelled messages; a bad line is an error naming the line and the fix. */
export function parseTrainingSet(jsonl: string, source = 'training set'): LabelledMessage[] {
  const out: LabelledMessage[] = [];
  const lines = jsonl.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const where = `${source} line ${i + 1}`;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (err) {
      throw new HelplineError('CONFIG_INVALID', `${where} is not valid JSON; fix or remove the line.`, {
        cause: err,
      });
    }
    const problems: string[] = [];
    if (typeof row.text !== 'string' || row.text.trim() === '')
      problems.push('"text" must be a non-empty string');
    if (!oneOf(['zh', 'en'] as const, row.lang)) problems.push('"lang" must be zh or en');
    if (!oneOf(ROLES, row.role)) problems.push(`"role" must be one of ${ROLES.join(', ')}`);
    if (!oneOf(INTENTS, row.intent)) problems.push(`"intent" must be one of ${INTENTS.join(', ')}`);
    if (!oneOf(SEVERITIES, row.severity)) problems.push(`"severity" must be one of ${SEVERITIES.join(', ')}`);
    if (!oneOf(CATEGORIES, row.category)) problems.push(`"category" must be one of ${CATEGORIES.join(', ')}`);
    if (problems.length > 0) {
      throw new HelplineError('CONFIG_INVALID', `${where}: ${problems.join('; ')}.`, { details: row });
    }
    out.push(row as unknown as LabelledMessage);
  }
  if (out.length === 0) {
    throw new HelplineError('CONFIG_INVALID', `${source} has no examples; add labelled JSONL lines.`);
  }
  return out;
}

export function loadTrainingSet(path: string = DEFAULT_TRAINING_PATH): LabelledMessage[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HelplineError(
      'CONFIG_FILE_UNREADABLE',
      `Cannot read the triage training set at ${path}; restore src/triage/data/triage-train.jsonl.`,
      { cause: err },
    );
  }
  return parseTrainingSet(text, path);
}
