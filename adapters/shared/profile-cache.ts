/**
 * The profile cache every platform's ProfileSource uses (lru-cache): a looked-up profile is reused
 * for `ttlMs`, a user the platform does not know for `negativeTtlMs`, the least recently used go
 * first past `maxEntries`, and concurrent asks for one user share one lookup. A lookup decides
 * whether its answer is worth remembering (a refusal is; an outage is not).
 */
import { LRUCache } from 'lru-cache';
import type { EmployeeProfile, ProfileSource } from '../../src/inbound/ports.ts';

export interface Looked {
  profile: EmployeeProfile | undefined;
  /** Keep the answer for its TTL (false: ask again next time, e.g. after an outage). */
  remember: boolean;
}

export interface ProfileCacheOptions {
  lookup: (userId: string) => Promise<Looked>;
  /** @defaultValue 3_600_000 (one hour) */
  ttlMs?: number;
  /** How long "unknown user" is kept. @defaultValue ttlMs */
  negativeTtlMs?: number;
  /** @defaultValue 5000 */
  maxEntries?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

export class ProfileCache implements ProfileSource {
  readonly #lookup: ProfileCacheOptions['lookup'];
  readonly #ttlMs: number;
  readonly #negativeTtlMs: number;
  readonly #cache: LRUCache<string, { profile?: EmployeeProfile }>;
  readonly #inFlight = new Map<string, Promise<EmployeeProfile | undefined>>();

  constructor(options: ProfileCacheOptions) {
    this.#lookup = options.lookup;
    this.#ttlMs = options.ttlMs ?? 3_600_000;
    this.#negativeTtlMs = options.negativeTtlMs ?? this.#ttlMs;
    const now = options.now ?? Date.now;
    this.#cache = new LRUCache({
      max: Math.max(1, options.maxEntries ?? 5000),
      ttlResolution: 0,
      perf: { now },
    });
  }

  async profile(userId: string): Promise<EmployeeProfile | undefined> {
    const hit = this.#cache.get(userId);
    if (hit) return hit.profile;
    const pending = this.#inFlight.get(userId);
    if (pending) return pending;
    const asked = this.#lookup(userId)
      .then(({ profile, remember }) => {
        if (remember)
          this.#cache.set(userId, profile ? { profile } : {}, {
            ttl: profile ? this.#ttlMs : this.#negativeTtlMs,
          });
        return profile;
      })
      .finally(() => this.#inFlight.delete(userId));
    this.#inFlight.set(userId, asked);
    return asked;
  }
}
