/**
 * Employee names and departments for the L2 context card (DESIGN §2 flow 5), from Lark's contact
 * API: GET /open-apis/contact/v3/users/:user_id?user_id_type=open_id (name, department_ids) and
 * GET /open-apis/contact/v3/departments/:id?department_id_type=open_department_id (the first
 * department's name). Needs the app scopes contact:user.base:readonly and
 * contact:department.base:readonly; without them the profile is just missing, never an error.
 *
 * Cached in memory: answers for `ttlMs`, Lark's refusals (unknown user, no permission) for
 * `negativeTtlMs`, at most `maxEntries` users (oldest dropped first). Network failures, 5xx answers
 * and rate limits are not cached. Concurrent lookups of one user share one request. Each kind of
 * failure is logged once at warn, then at debug, so a missing scope does not flood the log.
 */
import type { Logger } from 'pino';
import type { EmployeeProfile, ProfileSource } from '../../src/inbound/ports.ts';
import { nonEmpty } from '../shared/parse-util.ts';
import { ProfileCache } from '../shared/profile-cache.ts';
import { type LarkApi, larkCall, larkFailureOf } from './api.ts';

export interface LarkProfilesOptions {
  api: LarkApi;
  logger: Logger;
  /** @defaultValue 3_600_000 (1 hour) */
  ttlMs?: number;
  /** How long a refused lookup is remembered. @defaultValue 300_000 (5 minutes) */
  negativeTtlMs?: number;
  /** @defaultValue 5000 */
  maxEntries?: number;
  /** @defaultValue 5000 */
  timeoutMs?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

type Lookup = { profile: EmployeeProfile | undefined; cacheable: boolean };

const str = nonEmpty;

export class LarkProfiles implements ProfileSource {
  readonly #api: LarkApi;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #cache: ProfileCache;
  readonly #warned = new Set<string>();

  constructor(options: LarkProfilesOptions) {
    this.#api = options.api;
    this.#log = options.logger.child({ component: 'lark-profiles' });
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#cache = new ProfileCache({
      lookup: async (userId) => {
        const { profile, cacheable } = await this.#lookup(userId);
        return { profile, remember: cacheable };
      },
      ttlMs: options.ttlMs,
      negativeTtlMs: options.negativeTtlMs ?? 300_000,
      maxEntries: options.maxEntries,
      now: options.now,
    });
  }

  profile(userId: string): Promise<EmployeeProfile | undefined> {
    return this.#cache.profile(userId);
  }

  async #lookup(userId: string): Promise<Lookup> {
    let user: Record<string, unknown>;
    try {
      const res = await larkCall(this.#api, {
        method: 'GET',
        path: `/open-apis/contact/v3/users/${encodeURIComponent(userId)}`,
        params: { user_id_type: 'open_id', department_id_type: 'open_department_id' },
        timeoutMs: this.#timeoutMs,
      });
      user = (res.data?.user ?? {}) as Record<string, unknown>;
    } catch (err) {
      return { profile: undefined, cacheable: this.#failed('user', userId, err) };
    }
    const profile: EmployeeProfile = {};
    const name = str(user.name) ?? str(user.en_name);
    if (name) profile.name = name;
    const email = str(user.enterprise_email) ?? str(user.email);
    if (email) profile.email = email;
    const departments = Array.isArray(user.department_ids) ? user.department_ids : [];
    const first = str(departments[0]);
    if (first) {
      const department = await this.#department(first);
      if (department) profile.department = department;
    }
    return { profile: profile.name || profile.department ? profile : undefined, cacheable: true };
  }

  async #department(id: string): Promise<string | undefined> {
    try {
      const res = await larkCall(this.#api, {
        method: 'GET',
        path: `/open-apis/contact/v3/departments/${encodeURIComponent(id)}`,
        params: { department_id_type: 'open_department_id', user_id_type: 'open_id' },
        timeoutMs: this.#timeoutMs,
      });
      const dep = (res.data?.department ?? {}) as Record<string, unknown>;
      return str(dep.name);
    } catch (err) {
      this.#failed('department', id, err);
      return undefined;
    }
  }

  /** Logs the failure (warn the first time per kind, then debug); true when Lark refused for good. */
  #failed(what: 'user' | 'department', id: string, err: unknown): boolean {
    const f = larkFailureOf(err);
    const kind = f ? `${what}:${f.code ?? f.status}` : `${what}:network`;
    const detail = f
      ? { status: f.status, code: f.code, msg: f.message }
      : { error: err instanceof Error ? err.message : String(err) };
    const first = !this.#warned.has(kind);
    this.#warned.add(kind);
    const line = f
      ? `Lark refused the ${what} lookup; profiles will lack it (does the app have the contact:${what}.base:readonly scope?)`
      : `Lark ${what} lookup failed (no answer); profiles will lack it`;
    if (first) this.#log.warn({ [`${what}Id`]: id, ...detail }, line);
    else this.#log.debug({ [`${what}Id`]: id, ...detail }, line);
    // Refusals (unknown user, missing scope) are worth remembering; outages and rate limits are not.
    return f !== undefined && f.status < 500 && f.status !== 429 && f.code !== 99991400;
  }
}
