/**
 * Text an engineer types on a ticket or an incident (a reply, a note, a reason, an update): trimmed,
 * required where it must say something, and short enough for a chat message and the audit log.
 */
import { HelplineError } from '../errors.ts';

const MAX_TEXT = 4000;

/** `text` itself when it is under the limit; BAD_REQUEST naming `what` and the limit otherwise. */
export function shortText(text: string, what: string): string {
  if (text.length > MAX_TEXT) {
    throw new HelplineError(
      'BAD_REQUEST',
      `The ${what} is ${text.length} characters; keep it under ${MAX_TEXT}.`,
    );
  }
  return text;
}

/** The trimmed text; BAD_REQUEST when it is empty or too long. */
export function requiredText(value: string | undefined, what: string): string {
  const text = (value ?? '').trim();
  if (!text) throw new HelplineError('BAD_REQUEST', `Type the ${what} first; it cannot be empty.`);
  return shortText(text, what);
}
