/**
 * Employee names and departments for handoff cards (DESIGN §2 flow 5), from users.info (scope
 * users:read), cached. Name: the display name, else the real name. Department: Slack's profile
 * "Title" field — the one standard profile field organisations use for role or department; custom
 * profile fields would need users.profile.get and the users.profile:read scope, not asked for here.
 * A profile is a nicety: failures are logged and answer `undefined`, never thrown.
 */
import type { Logger } from 'pino';
import type { EmployeeProfile, ProfileSource } from '../../src/inbound/ports.ts';
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

interface Entry {
  profile: EmployeeProfile | undefined;
  expiresAt: number;
}

/** Answers that will not change within the TTL: remembered as "unknown" instead of asked again. */
const FINAL_ERRORS = new Set(['user_not_found', 'user_not_visible']);

export class SlackProfiles implements ProfileSource {
  readonly #client: SlackWebClient;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #cache = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<EmployeeProfile | undefined>>();

  constructor(options: SlackProfilesOptions) {
    this.#client = options.client;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.ttlMs ?? 3_600_000;
    this.#max = Math.max(1, options.maxEntries ?? 5000);
  }

  async profile(userId: string): Promise<EmployeeProfile | undefined> {
    const hit = this.#cache.get(userId);
    if (hit && hit.expiresAt > this.#now()) {
      // Refresh recency: Map order is the LRU order.
      this.#cache.delete(userId);
      this.#cache.set(userId, hit);
      return hit.profile;
    }
    const pending = this.#inFlight.get(userId);
    if (pending) return pending;
    const asked = this.#fetch(userId).finally(() => this.#inFlight.delete(userId));
    this.#inFlight.set(userId, asked);
    return asked;
  }

  async #fetch(userId: string): Promise<EmployeeProfile | undefined> {
    try {
      const res = await this.#client.users.info({ user: userId });
      const u = res.user;
      const p = u?.profile;
      const profile: EmployeeProfile = {};
      const name = p?.display_name || p?.real_name || u?.real_name || u?.name;
      if (name) profile.name = name;
      if (p?.title) profile.department = p.title;
      this.#remember(userId, profile);
      return profile;
    } catch (err) {
      const code = slackErrorCode(err);
      this.#logger.warn(
        { err, platform: 'slack', user: userId, code },
        'Slack users.info failed; the profile is left out',
      );
      if (code && FINAL_ERRORS.has(code)) this.#remember(userId, undefined);
      return undefined;
    }
  }

  #remember(userId: string, profile: EmployeeProfile | undefined): void {
    this.#cache.delete(userId);
    this.#cache.set(userId, { profile, expiresAt: this.#now() + this.#ttlMs });
    while (this.#cache.size > this.#max) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
  }
}
