/**
 * One person, one user (DESIGN §7): the same employee on Lark, on Slack and signed in on the web
 * is linked by verified email (or the identity provider's subject, `access.linkBy`), so their
 * threads and tickets follow them and the `roles` in config apply on every channel. Roles come
 * from config by any of the person's user keys or their email; the most privileged one wins.
 */
import type { Config } from '../config/schema.ts';
import type { Queryable } from '../store/database.ts';
import { ACCESS_ROLES, type AccessRole, type Principal } from './policy.ts';

export interface RoleEntry {
  role: AccessRole;
  categories?: readonly string[];
}

const RANK = new Map(ACCESS_ROLES.map((r, i) => [r, i]));

function entryOf(value: Config['roles'][string] | undefined): RoleEntry | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? { role: value } : value;
}

/** The most privileged configured role among the keys (user keys and emails), if any. */
export function configuredRole(roles: Config['roles'], keys: readonly string[]): RoleEntry | undefined {
  let best: RoleEntry | undefined;
  for (const key of keys) {
    const entry = entryOf(roles[key] ?? roles[key.toLowerCase()]);
    if (entry && (!best || (RANK.get(entry.role) ?? 0) > (RANK.get(best.role) ?? 0))) best = entry;
  }
  return best;
}

export interface People {
  /** Records that a user key belongs to the person with this verified email or subject. */
  link(userKey: string, who: { email?: string; subject?: string }): Promise<void>;
  /** Every user key (and email) of the person behind userKey, userKey first. */
  aliases(userKey: string): Promise<string[]>;
  /**
   * The principal for a user key: `role` when the credential carries one (a token, a session),
   * else the configured role across the person's keys, else employee.
   */
  principal(userKey: string, role?: AccessRole): Promise<Principal>;
  /** The configured role of a chat user (Lark/Slack buttons, triage): employee when none. */
  roleOf(userKey: string): Promise<RoleEntry>;
}

export function createPeople(deps: {
  db: Queryable;
  roles: Config['roles'];
  linkBy: Config['access']['linkBy'];
  now?: () => Date;
}): People {
  const now = deps.now ?? (() => new Date());

  const aliases = async (userKey: string): Promise<string[]> => {
    const rows = await deps.db.query<{ user_key: string; email: string | null }>(
      `SELECT i.user_key, i.email FROM identities i
        WHERE i.person_id = (SELECT person_id FROM identities WHERE user_key = $1)`,
      [userKey],
    );
    const keys = [userKey, ...rows.map((r) => r.user_key).filter((k) => k !== userKey)];
    for (const r of rows) if (r.email && !keys.includes(r.email)) keys.push(r.email);
    return keys;
  };

  const roleOf = async (userKey: string): Promise<RoleEntry> =>
    configuredRole(deps.roles, await aliases(userKey)) ?? { role: 'employee' };

  return {
    async link(userKey, who) {
      const email = who.email?.trim().toLowerCase() || undefined;
      const person =
        deps.linkBy === 'email' && email ? `email:${email}` : who.subject ? `sub:${who.subject}` : undefined;
      if (!person) return;
      await deps.db.query(
        `INSERT INTO identities (user_key, person_id, email, linked_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_key) DO UPDATE SET person_id = EXCLUDED.person_id, email = EXCLUDED.email
           WHERE identities.person_id IS DISTINCT FROM EXCLUDED.person_id
              OR identities.email IS DISTINCT FROM EXCLUDED.email`,
        [userKey, person, email ?? null, now().toISOString()],
      );
    },
    aliases,
    roleOf,
    async principal(userKey, role) {
      const keys = await aliases(userKey);
      const configured = configuredRole(deps.roles, keys);
      const chosen = role ?? configured?.role ?? 'employee';
      return {
        userId: userKey,
        role: chosen,
        aliases: keys,
        categories: configured?.role === chosen ? configured.categories : undefined,
      };
    },
  };
}
