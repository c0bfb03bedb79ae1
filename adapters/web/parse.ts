/**
 * The web chat's requests (DESIGN §6, a stable contract) read with zod and turned into the
 * normalized inbound event every channel produces. Pure: the ids and the clock are passed in.
 * Every refusal says what to send instead.
 */
import { z } from 'zod';
import type { InboundEvent } from '../../src/inbound/ports.ts';

export const MAX_USER_ID_CHARS = 128;
export const MAX_TEXT_CHARS = 4000;

const chars = (s: string) => [...s].length;

/**
 * The first character that is not text, described for the error message: NUL and other control
 * characters (tab, newline and carriage return are text) and lone UTF-16 surrogates, which JSON's
 * `\ud800` escapes can produce but no UTF-8 text can hold. Refused here so nothing reaches the
 * database (which would fail on a NUL) or the log.
 */
export function invalidCharacter(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    if (code === 0) return `a NUL character (U+0000) at position ${i + 1}`;
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f))
      return `a control character (${hex}) at position ${i + 1}`;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `an unpaired surrogate (${hex}) at position ${i + 1}`;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return `an unpaired surrogate (${hex}) at position ${i + 1}`;
  }
  return undefined;
}

/** Refuses a field holding characters that are not text, naming the field and the character. */
const onlyText =
  (name: string) =>
  (s: string, ctx: z.core.$RefinementCtx<string>): void => {
    const bad = invalidCharacter(s);
    if (bad)
      ctx.addIssue({
        code: 'custom',
        message: `"${name}" contains ${bad}, which is not text; remove it and send again.`,
      });
  };

const required = (name: string) =>
  z
    .string({ error: `"${name}" is required and must be a non-empty string.` })
    .refine((s) => s.trim() !== '', {
      error: `"${name}" is required and must be a non-empty string.`,
    })
    .superRefine(onlyText(name));

const userId = z
  .string({ error: '"userId" is required and must be a non-empty string.' })
  .refine((s) => s.trim() !== '', { error: '"userId" is required and must be a non-empty string.' })
  .refine((s) => chars(s) <= MAX_USER_ID_CHARS, {
    error: `"userId" is longer than ${MAX_USER_ID_CHARS} characters; send a shorter id.`,
  })
  .superRefine(onlyText('userId'));

const text = z
  .string({ error: '"text" is required: type a question or describe the problem.' })
  .transform((s) => s.trim())
  .refine((s) => s !== '', { error: '"text" is required: type a question or describe the problem.' })
  .superRefine(onlyText('text'))
  .superRefine((s, ctx) => {
    const n = chars(s);
    if (n > MAX_TEXT_CHARS)
      ctx.addIssue({
        code: 'custom',
        message: `"text" is ${n} characters; the limit is ${MAX_TEXT_CHARS}. Shorten it or split it into several messages.`,
      });
  });

/** `undefined` and `null` mean "not given". */
const optional = (name: string) =>
  required(name)
    .nullish()
    .transform((v) => v ?? undefined);

/** `userId` may be omitted when signed in (the session's user is used); the open trial mode needs it. */
export const PostMessage = z.object({
  userId: userId.nullish().transform((v) => v ?? undefined),
  text,
  threadId: optional('threadId'),
});
export type PostMessage = z.infer<typeof PostMessage>;

export const PostFeedback = z.object({
  threadId: required('threadId'),
  messageId: required('messageId'),
  helpful: z.boolean({ error: '"helpful" must be true (👍) or false (👎).' }),
  userId: optional('userId'),
});
export type PostFeedback = z.infer<typeof PostFeedback>;

/** The employee's answer to "was it solved?": a rating button or "not solved" on a bot message. */
export const BUTTON_ACTIONS = ['rate_1', 'rate_2', 'rate_3', 'rate_4', 'rate_5', 'not_solved'] as const;
export const PostAction = z.object({
  threadId: required('threadId'),
  messageId: required('messageId'),
  action: z.enum(BUTTON_ACTIONS, { error: `"action" must be one of ${BUTTON_ACTIONS.join(', ')}.` }),
  userId: optional('userId'),
});
export type PostAction = z.infer<typeof PostAction>;

export type Read<T> = { ok: true; value: T } | { ok: false; message: string };

/** Reads a JSON request body against a schema; the first problem is the message. */
export function readBody<T>(schema: z.ZodType<T>, raw: string): Read<T> {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return {
      ok: false,
      message: 'The request body must be JSON, e.g. {"userId": "u1", "text": "How do I request leave?"}.',
    };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      message: 'The request body must be a JSON object, e.g. {"userId": "u1", "text": "…"}.',
    };
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, message: parsed.error.issues[0]?.message ?? 'The request body is not valid.' };
}

/** What every web chat event has: the thread is its own chat, a DM addressed to the bot. */
function webEvent(e: {
  userId: string;
  threadId: string;
  messageId: string;
  text: string;
  id: string;
  nowMs: number;
}): InboundEvent {
  return {
    platform: 'web',
    tenant: 'web',
    chat: e.threadId,
    chatType: 'dm',
    thread: e.threadId,
    messageId: e.messageId,
    user: e.userId,
    text: e.text,
    mentions: [],
    addressed: true,
    eventId: e.id,
    sentAt: e.nowMs,
    kind: 'message',
  };
}

/** A message typed in the web chat as the inbound event (its thread is its own chat). */
export function messageEvent(m: {
  userId: string;
  text: string;
  threadId: string;
  id: string;
  nowMs: number;
}): InboundEvent {
  return webEvent({ ...m, messageId: m.id });
}

/** A rating or "not solved" button as the inbound event; `value` is the button's own (the ticket). */
export function buttonEvent(b: {
  userId: string;
  threadId: string;
  messageId: string;
  action: string;
  value: Record<string, string> | undefined;
  id: string;
  nowMs: number;
}): InboundEvent {
  return {
    ...webEvent({ ...b, text: '' }),
    kind: 'action',
    action: { id: b.action, value: b.value, messageRef: b.messageId },
  };
}

/** 👍/👎 on an answer as the inbound event a button press is on every platform. */
export function feedbackEvent(f: {
  userId: string;
  threadId: string;
  messageId: string;
  helpful: boolean;
  id: string;
  nowMs: number;
}): InboundEvent {
  return buttonEvent({ ...f, action: f.helpful ? 'feedback_up' : 'feedback_down', value: undefined });
}
