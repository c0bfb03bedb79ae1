import { HelplineError } from '../../errors.ts';
import type { SourceDoc } from '../types.ts';
import { normalizeWhitespace, stripTemplates } from './clean.ts';
import { detectLang } from './detect-lang.ts';

/** A first line longer than this is prose, not a title; the file name is used instead. */
const MAX_TITLE_CHARS = 120;

/** Plain text: the first non-empty line is the title; the whole text (title line included) is the body. */
export async function loadText(bytes: Uint8Array, source: string): Promise<SourceDoc> {
  const text = normalizeWhitespace(stripTemplates(decodeText(bytes)));
  return {
    source,
    title: titleFromFirstLine(text) ?? titleFromFileName(source),
    text,
    lang: detectLang(text),
    questions: [],
    keywords: [],
  };
}

/**
 * Strict UTF-8 (a BOM is dropped). Throws FILE_SKIPPED for binary content or other encodings, because
 * guessing GBK or Latin-1 would index mojibake that no question can ever match.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.includes(0)) throw skip('binary file (contains NUL bytes)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw skip('not valid UTF-8 (convert the file to UTF-8, e.g. `iconv -f GBK -t UTF-8`)');
  }
}

export function titleFromFirstLine(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line && line.length <= MAX_TITLE_CHARS ? line.replace(/^#+\s+/, '') : undefined;
}

/** `travel/per-diem_rates.md` → `per diem rates`. */
export function titleFromFileName(source: string): string {
  const base = source.slice(source.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem.replace(/[-_]+/g, ' ').trim() || base;
}

export function skip(reason: string, cause?: unknown): HelplineError {
  return new HelplineError('FILE_SKIPPED', reason, { cause });
}
