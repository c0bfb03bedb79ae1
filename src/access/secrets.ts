/** Random credentials and their stored form: only a SHA-256 of a secret ever reaches the database. */
import { createHash, randomBytes } from 'node:crypto';

/** A new secret: `prefix` + 32 random bytes, base64url. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Parses "30d", "12h", "90m" (or a bare number of days) into milliseconds; undefined when invalid. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)\s*([dhm]?)$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n <= 0) return undefined;
  const unit = m[2] || 'd';
  return n * (unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : 60_000);
}
