/** The access records of one database, built once from the config (tokens, sessions, links, people). */
import type { Config } from '../config/schema.ts';
import type { Queryable } from '../store/database.ts';
import { LoginLinks } from './login-links.ts';
import { createPeople, type People } from './people.ts';
import { SessionStore } from './sessions.ts';
import { TokenStore } from './tokens.ts';

export interface AccessStores {
  tokens: TokenStore;
  sessions: SessionStore;
  links: LoginLinks;
  people: People;
}

export function accessStores(
  db: Queryable,
  config: Config,
  now: () => Date = () => new Date(),
): AccessStores {
  return {
    tokens: new TokenStore(db, now),
    sessions: new SessionStore(
      db,
      { idleMs: config.access.sessionIdleMinutes * 60_000, maxMs: config.access.sessionMaxHours * 3_600_000 },
      now,
    ),
    links: new LoginLinks(db, now),
    people: createPeople({ db, roles: config.roles, linkBy: config.access.linkBy, now }),
  };
}
