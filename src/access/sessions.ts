/**
 * Browser sessions after sign-in (OpenID Connect or a login link), stored in the database so every
 * process sees them and a restart keeps people signed in. The cookie holds a random id; the table
 * its SHA-256. A session ends at logout, after `idleMs` without a request, or `maxMs` after sign-in.
 * Each has a CSRF token the page sends back as `X-CSRF-Token` on every state-changing call.
 */
import type { Queryable } from '../store/database.ts';
import type { AccessRole } from './policy.ts';
import { hashSecret, newSecret } from './secrets.ts';

export const SESSION_COOKIE = 'helpline_session';

export interface Session {
  userId: string;
  role: AccessRole;
  csrf: string;
  /** How the person signed in: 'oidc' or 'link'. */
  via: string;
  expiresAt: string;
}

export interface SessionTimes {
  /** Signed out after this long without a request. @defaultValue 8 h */
  idleMs?: number;
  /** Signed out this long after signing in, whatever happens. @defaultValue 7 days */
  maxMs?: number;
}

interface Row {
  user_id: string;
  role: string;
  csrf: string;
  via: string;
  last_seen_at: string;
  expires_at: string;
}

/** last_seen_at is written at most this often per session (a page polls; the database need not). */
const TOUCH_EVERY_MS = 60_000;

export class SessionStore {
  readonly #db: Queryable;
  readonly #now: () => Date;
  readonly idleMs: number;
  readonly maxMs: number;

  constructor(db: Queryable, times: SessionTimes = {}, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
    this.idleMs = times.idleMs ?? 8 * 3_600_000;
    this.maxMs = times.maxMs ?? 7 * 86_400_000;
  }

  async create(input: {
    userId: string;
    role: AccessRole;
    via: string;
  }): Promise<{ id: string; session: Session }> {
    const id = newSecret();
    const csrf = newSecret();
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + this.maxMs).toISOString();
    await this.#db.query(
      `INSERT INTO sessions (id_hash, user_id, role, csrf, via, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
      [hashSecret(id), input.userId, input.role, csrf, input.via, now.toISOString(), expiresAt],
    );
    // Expired sessions of anyone are swept on sign-in, so the table does not grow without end.
    await this.#db.query('DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2', [
      now.toISOString(),
      new Date(now.getTime() - this.idleMs).toISOString(),
    ]);
    return { id, session: { ...input, csrf, expiresAt } };
  }

  /** The live session for a cookie value; undefined when unknown, idle too long or past its end. */
  async get(id: string): Promise<Session | undefined> {
    if (!id || id.length > 200) return undefined;
    const key = hashSecret(id);
    const [row] = await this.#db.query<Row>('SELECT * FROM sessions WHERE id_hash = $1', [key]);
    if (!row) return undefined;
    const now = this.#now().getTime();
    const lastSeen = new Date(row.last_seen_at).getTime();
    if (new Date(row.expires_at).getTime() <= now || now - lastSeen >= this.idleMs) {
      await this.#db.query('DELETE FROM sessions WHERE id_hash = $1', [key]);
      return undefined;
    }
    if (now - lastSeen >= TOUCH_EVERY_MS) {
      await this.#db.query('UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1', [
        key,
        new Date(now).toISOString(),
      ]);
    }
    return {
      userId: row.user_id,
      role: row.role as AccessRole,
      csrf: row.csrf,
      via: row.via,
      expiresAt: row.expires_at,
    };
  }

  async delete(id: string): Promise<void> {
    await this.#db.query('DELETE FROM sessions WHERE id_hash = $1', [hashSecret(id)]);
  }
}
