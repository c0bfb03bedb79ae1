/** Request helpers every platform's verifier shares (pure: node:crypto only). */
import { timingSafeEqual } from 'node:crypto';
import type { VerifyInput } from '../../src/inbound/ports.ts';

/** A header by name, whatever its case. */
export function header(headers: VerifyInput['headers'], name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Constant-time comparison that does not reveal the expected length either. */
export function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}
