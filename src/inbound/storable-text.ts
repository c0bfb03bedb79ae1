/**
 * Text the database can store. PostgreSQL refuses a NUL in `text` and `\u0000` in jsonb, and a lone
 * UTF-16 surrogate cannot be encoded as UTF-8 at all, so such a character in a Lark or Slack message
 * would surface as a database error (with the message in its parameters) and the event would be
 * redelivered forever. The web chat refuses such input with a 400 before this (adapters/web/parse.ts);
 * platform events cannot be refused, so their invalid characters become U+FFFD here, before anything
 * is stored.
 */

/** NUL, other C0/C1 controls except tab, newline and carriage return, and lone surrogates. */
const INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export const REPLACEMENT = '\ufffd';

/** Whether `s` holds a character the database cannot store as text (see INVALID). */
export function hasInvalidText(s: string): boolean {
  INVALID.lastIndex = 0;
  return INVALID.test(s);
}

export function storableText(s: string): string {
  return s.replace(INVALID, REPLACEMENT);
}

/** Every string in a JSON-like value (keys included) made storable; other values are kept. */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map((v) => storable(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[storableText(k)] = storable(v);
    return out as T;
  }
  return value;
}
