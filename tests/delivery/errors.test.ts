import { describe, expect, it } from 'vitest';
import {
  DeliveryError,
  failureReason,
  idempotencyToken,
  isNetworkError,
  isRetryable,
  retryAfterFrom,
} from '../../src/delivery/errors.ts';

describe('isRetryable / failureReason', () => {
  const cases: Array<[string, unknown, boolean, string]> = [
    ['429', new DeliveryError('ratelimited', { status: 429 }), true, 'rate_limited'],
    ['500', new DeliveryError('internal_error', { status: 500 }), true, 'server_error'],
    ['503', new DeliveryError('service_unavailable', { status: 503 }), true, 'server_error'],
    ['400', new DeliveryError('invalid_blocks', { status: 400 }), false, 'rejected'],
    ['403', new DeliveryError('not_in_channel', { status: 403 }), false, 'rejected'],
    ['404', new DeliveryError('channel_not_found', { status: 404 }), false, 'rejected'],
    ['explicitly permanent', new DeliveryError('is_archived', { retryable: false }), false, 'rejected'],
    ['connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true, 'network'],
    [
      'fetch failed',
      new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
      true,
      'network',
    ],
    ['timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), true, 'network'],
    ['unknown error', new Error('surprise'), true, 'unknown'],
  ];
  it.each(cases)('%s', (_, err, retryable, reason) => {
    expect(isRetryable(err)).toBe(retryable);
    expect(failureReason(err)).toBe(reason);
  });

  it('a bug is not a network error', () => {
    expect(isNetworkError(new TypeError("Cannot read properties of undefined (reading 'ts')"))).toBe(false);
  });
});

describe('retryAfterFrom', () => {
  const now = new Date('2025-03-03T09:00:00Z');
  it('reads seconds as a number, a string, or from headers (any case)', () => {
    expect(retryAfterFrom(2)).toBe(2000);
    expect(retryAfterFrom('30')).toBe(30_000);
    expect(retryAfterFrom(' 1.5 ')).toBe(1500);
    expect(retryAfterFrom(new Headers({ 'Retry-After': '2' }))).toBe(2000);
    expect(retryAfterFrom({ 'retry-after': '3' })).toBe(3000);
    expect(retryAfterFrom({ 'Retry-After': ['4'] })).toBe(4000);
    expect(retryAfterFrom(new Map([['Retry-After', '5']]))).toBe(5000);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(retryAfterFrom('Mon, 03 Mar 2025 09:00:07 GMT', now)).toBe(7000);
    expect(retryAfterFrom('Mon, 03 Mar 2025 08:00:00 GMT', now)).toBe(0);
  });

  it("falls back to Lark's x-ogw-ratelimit-reset", () => {
    expect(retryAfterFrom(new Headers({ 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1' }))).toBe(
      1000,
    );
    expect(retryAfterFrom(new Headers({ 'retry-after': '2', 'x-ogw-ratelimit-reset': '9' }))).toBe(2000);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterFrom(undefined)).toBeUndefined();
    expect(retryAfterFrom(new Headers())).toBeUndefined();
    expect(retryAfterFrom('soon')).toBeUndefined();
    expect(retryAfterFrom(-1)).toBeUndefined();
    expect(retryAfterFrom({ 'retry-after': undefined })).toBeUndefined();
  });
});

describe('idempotencyToken', () => {
  it("keeps a key that fits Lark's 50-character uuid, hashes a longer one deterministically", () => {
    expect(idempotencyToken('reply:om_dc13264520392913993dd051dba21dcf')).toBe(
      'reply:om_dc13264520392913993dd051dba21dcf',
    );
    const long = `status:${'b3f1c1de-0000-4000-8000-000000000001'}:12:extra`;
    const token = idempotencyToken(long);
    expect(token).toHaveLength(50);
    expect(token).toBe(idempotencyToken(long));
    expect(token).not.toBe(idempotencyToken(`${long}x`));
  });
});
