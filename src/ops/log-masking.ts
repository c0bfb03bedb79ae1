/**
 * PII masking for whole log records (DESIGN §7: PII is masked in logs). Masking only the known text
 * keys missed what a caller does not control: an error's message and stack, a database error's
 * parameters (the message being stored), an SDK's response body. So every string and number in a
 * record is masked, errors included, at any depth; the masks keep order numbers and dates because
 * an ID must have a real area code and birth date, and a bare card number must pass Luhn (a card
 * number after a card label, or a UnionPay 62…, is masked whatever its checksum). A connection URL in any of them (a driver's error
 * message) loses its password.
 */
import { pino } from 'pino';
import { maskPii } from '../privacy/pii.ts';
import { maskUrlsIn } from '../util/mask-url.ts';

/** A string as it may be logged: URL secrets and PII masked. */
export const maskLogText = (text: string): string => maskPii(maskUrlsIn(text));

/** Deeper values than this are cut (a log record is not a document). */
const MAX_DEPTH = 8;

/** A number that reads as a phone, ID or card number is logged as its masked string. */
function maskNumber(n: number): number | string {
  if (!Number.isInteger(n) || Math.abs(n) < 1e9) return n;
  const s = String(n);
  const masked = maskPii(s);
  return masked === s ? n : masked;
}

function isErrorLike(v: object): v is Error {
  return (
    v instanceof Error || (typeof (v as Error).message === 'string' && typeof (v as Error).stack === 'string')
  );
}

/** A copy of `value` with every string and number masked; errors become pino's serialized form. */
export function maskDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskLogText(value);
  if (typeof value === 'number') return maskNumber(value);
  if (typeof value === 'bigint') return maskPii(String(value));
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Object]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1, seen));
    if (value instanceof Date) return value;
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.constructor.name}]`;
    const source: object = isErrorLike(value) ? pino.stdSerializers.err(value) : value;
    const out: Record<string, unknown> = {};
    // for…in: the serialized error keeps type, message and stack on its prototype.
    for (const key in source) out[key] = maskDeep((source as Record<string, unknown>)[key], depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}
