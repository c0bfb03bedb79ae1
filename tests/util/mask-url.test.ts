/**
 * One masking function for connection URLs (src/util/mask-url.ts), used by `helpline config`, the
 * banners, error messages and the logger: every form of password a driver accepts is masked, and
 * the rest of the URL is left exactly as written.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/ops/logger.ts';
import { maskUrl, maskUrlsIn } from '../../src/util/mask-url.ts';

describe('maskUrl', () => {
  it.each([
    ['redis://:pw1234@r:6379', 'redis://:****@r:6379'],
    ['rediss://:pw@cache.example.com:6380/2', 'rediss://:****@cache.example.com:6380/2'],
    ['redis://default:pw@r:6379', 'redis://default:****@r:6379'],
    ['redis://r:6379?password=pw1234', 'redis://r:6379?password=****'],
    ['postgres://u:pw@db/x', 'postgres://u:****@db/x'],
    ['postgres://u@db/x?password=pgpw99', 'postgres://u@db/x?password=****'],
    [
      'postgresql://u@db/x?sslmode=require&PASSWORD=a%20b',
      'postgresql://u@db/x?sslmode=require&PASSWORD=****',
    ],
    ['https://q.example.com/?api_key=k1&timeout=5', 'https://q.example.com/?api_key=****&timeout=5'],
    [
      'https://h/x?pass=1&pwd=2&secret=3&token=4&access_token=5#top',
      'https://h/x?pass=****&pwd=****&secret=****&token=****&access_token=****#top',
    ],
    ['redis://:p@ss@r:6379', 'redis://:****@r:6379'],
  ])('%s → %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it('leaves URLs without secrets, and a bare user name, as they are', () => {
    for (const url of [
      'postgres://helpline@db:5432/helpline',
      'http://127.0.0.1:6333',
      'https://slack.com/api/',
      'not a url',
    ])
      expect(maskUrl(url)).toBe(url);
  });

  it('masks every URL inside a message', () => {
    expect(
      maskUrlsIn('connect to redis://:pw1234@r:6379 failed; tried "postgres://u@db/x?password=pgpw99".'),
    ).toBe('connect to redis://:****@r:6379 failed; tried "postgres://u@db/x?password=****".');
  });
});

describe('the logger', () => {
  it('masks a connection URL in a message and in an error it logs', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ destination: sink });
    logger.warn(
      { err: new Error('ECONNREFUSED redis://:pw1234@r:6379') },
      'Redis at redis://r:6379?password=pw1234 failed',
    );
    const text = lines.join('');
    expect(text).not.toContain('pw1234');
    expect(text).toContain('redis://:****@r:6379');
    expect(text).toContain('redis://r:6379?password=****');
  });
});
