/**
 * Single-use sign-in links (`helpline login-link --user ID --role ROLE`): a first admin without an
 * identity provider, demos and tests. The link is valid for 15 minutes and works once.
 */
import type { Queryable } from '../store/database.ts';
import type { AccessRole } from './policy.ts';
import { hashSecret, newSecret } from './secrets.ts';

export const LOGIN_LINK_TTL_MS = 15 * 60_000;
export const LOGIN_LINK_PATH = '/auth/link';

export class LoginLinks {
  readonly #db: Queryable;
  readonly #now: () => Date;

  constructor(db: Queryable, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  /** A new code; the caller builds the URL (`${base}/auth/link?code=…`). */
  async create(input: { userId: string; role: AccessRole }): Promise<{ code: string; expiresAt: string }> {
    const code = newSecret();
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + LOGIN_LINK_TTL_MS).toISOString();
    await this.#db.query(
      'INSERT INTO login_links (code_hash, user_id, role, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [hashSecret(code), input.userId, input.role, now.toISOString(), expiresAt],
    );
    return { code, expiresAt };
  }

  /** Uses the code up: who it signs in, or undefined when unknown, used or expired. */
  async consume(code: string): Promise<{ userId: string; role: AccessRole } | undefined> {
    if (!code || code.length > 200) return undefined;
    const now = this.#now().toISOString();
    const [row] = await this.#db.query<{ user_id: string; role: string }>(
      `UPDATE login_links SET used_at = $2
        WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2
        RETURNING user_id, role`,
      [hashSecret(code), now],
    );
    return row ? { userId: row.user_id, role: row.role as AccessRole } : undefined;
  }

  /** Whether anyone with the admin role can sign in yet (a token or a session of an admin). */
  async adminExists(): Promise<boolean> {
    const now = this.#now().toISOString();
    const rows = await this.#db.query(
      `SELECT 1 FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)
       UNION ALL SELECT 1 FROM sessions WHERE role = 'admin' AND expires_at > $1
       UNION ALL SELECT 1 FROM login_links WHERE role = 'admin' AND used_at IS NOT NULL
       LIMIT 1`,
      [now],
    );
    return rows.length > 0;
  }
}
