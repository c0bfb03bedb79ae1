/**
 * Employee names and departments for handoff cards (DESIGN §2 flow 5), from users.info (scope
 * users:read), cached. Name: the display name, else the real name. Department: Slack's profile
 * "Title" field — the one standard profile field organisations use for role or department; custom
 * profile fields would need users.profile.get and the users.profile:read scope, not asked for here.
 * A profile is a nicety: failures are logged and answer `undefined`, never thrown.
 */
import type { Logger } from 'pino';
import type { EmployeeProfile, ProfileSource } from '../../src/inbound/ports.ts';
import { type Looked, ProfileCache } from '../shared/profile-cache.ts';
import { type SlackWebClient, slackErrorCode } from './web-client.ts';

export interface SlackProfilesOptions {
  client: SlackWebClient;
  logger: Logger;
  /** @defaultValue Date.now */
  now?: () => number;
  /** How long a profile is reused. @defaultValue 3_600_000 (one hour) */
  ttlMs?: number;
  /** Profiles kept at most; the least recently used go first. @defaultValue 5000 */
  maxEntries?: number;
}

/** Answers that will not change within the TTL: remembered as "unknown" instead of asked again. */
const FINAL_ERRORS = new Set(['user_not_found', 'user_not_visible']);

export class SlackProfiles implements ProfileSource {
  readonly #client: SlackWebClient;
  readonly #logger: Logger;
  readonly #cache: ProfileCache;

  constructor(options: SlackProfilesOptions) {
    this.#client = options.client;
    this.#logger = options.logger;
    this.#cache = new ProfileCache({
      lookup: (userId) => this.#fetch(userId),
      ttlMs: options.ttlMs,
      maxEntries: options.maxEntries,
      now: options.now,
    });
  }

  profile(userId: string): Promise<EmployeeProfile | undefined> {
    return this.#cache.profile(userId);
  }

  async #fetch(userId: string): Promise<Looked> {
    try {
      const res = await this.#client.users.info({ user: userId });
      const u = res.user;
      const p = u?.profile;
      const profile: EmployeeProfile = {};
      const name = p?.display_name || p?.real_name || u?.real_name || u?.name;
      if (name) profile.name = name;
      if (p?.title) profile.department = p.title;
      if (p?.email) profile.email = p.email;
      return { profile, remember: true };
    } catch (err) {
      const code = slackErrorCode(err);
      this.#logger.warn(
        { err, platform: 'slack', user: userId, code },
        'Slack users.info failed; the profile is left out',
      );
      return { profile: undefined, remember: Boolean(code && FINAL_ERRORS.has(code)) };
    }
  }
}
