/**
 * API tokens for scripts and integrations (`helpline token create|list|revoke`), sent as
 * `Authorization: Bearer hlp_…`. The token is shown once; the database keeps its SHA-256.
 */
import { randomBytes } from 'node:crypto';
import { HelplineError } from '../errors.ts';
import type { Queryable } from '../store/database.ts';
import type { AccessRole } from './policy.ts';
import { hashSecret, newSecret } from './secrets.ts';

export const TOKEN_PREFIX = 'hlp_';
const LAST_USED_EVERY_MS = 60_000;

export interface ApiToken {
  id: string;
  userId: string;
  role: AccessRole;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface Row {
  id: string;
  user_id: string;
  role: string;
  name: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

const toToken = (r: Row): ApiToken => ({
  id: r.id,
  userId: r.user_id,
  role: r.role as AccessRole,
  name: r.name,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

export interface NewToken {
  userId: string;
  role: AccessRole;
  name?: string;
  /** Lifetime; undefined = no expiry. */
  expiresInMs?: number;
}

export class TokenStore {
  readonly #db: Queryable;
  readonly #now: () => Date;

  constructor(db: Queryable, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  /** Creates a token; the secret is in the result and nowhere else. */
  async create(input: NewToken): Promise<{ token: string; info: ApiToken }> {
    const token = newSecret(TOKEN_PREFIX);
    const id = randomBytes(6).toString('hex');
    const now = this.#now();
    const expires = input.expiresInMs ? new Date(now.getTime() + input.expiresInMs).toISOString() : null;
    const [row] = await this.#db.query<Row>(
      `INSERT INTO api_tokens (id, token_hash, user_id, role, name, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [id, hashSecret(token), input.userId, input.role, input.name ?? '', now.toISOString(), expires],
    );
    return { token, info: toToken(row) };
  }

  async list(): Promise<ApiToken[]> {
    const rows = await this.#db.query<Row>('SELECT * FROM api_tokens ORDER BY created_at, id');
    return rows.map(toToken);
  }

  /** Revokes by id; NOT_FOUND when there is no such token. */
  async revoke(id: string): Promise<ApiToken> {
    const [row] = await this.#db.query<Row>(
      'UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING *',
      [id, this.#now().toISOString()],
    );
    if (!row)
      throw new HelplineError('NOT_FOUND', `There is no token "${id}"; \`helpline token list\` shows them.`);
    return toToken(row);
  }

  /** The token's owner when it is valid (known, not revoked, not expired); undefined otherwise. */
  async verify(token: string): Promise<ApiToken | undefined> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
    const now = this.#now();
    const [row] = await this.#db.query<Row>(
      `SELECT * FROM api_tokens
        WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
      [hashSecret(token), now.toISOString()],
    );
    if (!row) return undefined;
    // "Last used" to the minute: a script calling every second does not write every second.
    if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_EVERY_MS) {
      row.last_used_at = now.toISOString();
      await this.#db.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [
        row.id,
        row.last_used_at,
      ]);
    }
    return toToken(row);
  }
}
