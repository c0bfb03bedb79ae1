/** What the port answers before the server is ready (src/server/starting-app.ts). */
import { describe, expect, it } from 'vitest';
import { createStartingApp } from '../../src/server/starting-app.ts';

describe('the starting app', () => {
  const app = createStartingApp({ allowedHosts: ['localhost'], phase: () => 'opening the database' });
  const get = (path: string, init: RequestInit = {}) =>
    app.request(`http://localhost${path}`, { ...init, headers: { host: 'localhost', ...init.headers } });

  it('is alive but not ready, and says what it is doing', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('1');
    expect(await ready.json()).toEqual({
      status: 'not_ready',
      checks: { starting: 'error: opening the database' },
    });
  });

  it('serves the web chat page at once', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBeTruthy();
    expect(await page.text()).toContain('<!doctype html>');
  });

  it('asks API and webhook callers to retry in a second', async () => {
    for (const path of ['/api/chat/messages', '/slack/events', '/lark/events', '/metrics']) {
      const res = await get(path, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await res.json()).error.code).toBe('UNAVAILABLE');
    }
  });

  it('keeps the Host allow-list', async () => {
    const res = await app.request('http://evil.example/', { headers: { host: 'evil.example' } });
    expect(res.status).toBe(421);
  });
});
