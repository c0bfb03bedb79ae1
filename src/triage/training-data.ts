/**
 * Loads and validates the labelled triage sets kept in the repo: the original set
 * (data/triage-train.jsonl, one writer) and the voice sets (data/voices/triage-<voice>.jsonl, written
 * independently from DESIGN §3–4 only, each in its own voice: terse, calm, mixed zh-en, formal).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelplineError } from '../errors.ts';
import { CATEGORIES, INTENTS, type LabelledMessage, ROLES, SEVERITIES } from './types.ts';

export const DEFAULT_TRAINING_PATH = fileURLToPath(new URL('./data/triage-train.jsonl', import.meta.url));
export const VOICES_DIR = fileURLToPath(new URL('./data/voices/', import.meta.url));

function oneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** Parse JSONL text into labelled messages; a bad line is an error naming the line and the fix. */
export function parseTrainingSet(jsonl: string, source = 'training set', voice?: string): LabelledMessage[] {
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
    const message = row as unknown as LabelledMessage;
    out.push(voice !== undefined && message.voice === undefined ? { ...message, voice } : message);
  }
  if (out.length === 0) {
    throw new HelplineError('CONFIG_INVALID', `${source} has no examples; add labelled JSONL lines.`);
  }
  return out;
}

/** One labelled JSONL file. */
export function loadTrainingSet(path: string = DEFAULT_TRAINING_PATH, voice?: string): LabelledMessage[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HelplineError(
      'CONFIG_FILE_UNREADABLE',
      `Cannot read the triage training set at ${path}; restore it from git (src/triage/data/).`,
      { cause: err },
    );
  }
  return parseTrainingSet(text, path, voice);
}

/** The voice sets' files, sorted, with the voice their name gives (`triage-calm.jsonl` → `calm`). */
export function voiceFiles(dir: string = VOICES_DIR): { path: string; voice: string }[] {
  return readdirSync(dir)
    .filter((f) => /^triage-[\w-]+\.jsonl$/.test(f))
    .sort()
    .map((f) => ({ path: join(dir, f), voice: basename(f, '.jsonl').slice('triage-'.length) }));
}

/** Every file the models are trained on: the original set first, then the voice sets. */
export function trainingFiles(): string[] {
  return [DEFAULT_TRAINING_PATH, ...voiceFiles().map((f) => f.path)];
}

/** The original set (voice `original`) and every voice set: what the shipped model is trained on. */
export function loadTrainingData(): { original: LabelledMessage[]; voices: LabelledMessage[] } {
  return {
    original: loadTrainingSet(DEFAULT_TRAINING_PATH, 'original'),
    voices: voiceFiles().flatMap((f) => loadTrainingSet(f.path, f.voice)),
  };
}
