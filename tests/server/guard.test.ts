/**
 * Issue 13 item 9: security headers on every response and the Host allow-list (DNS rebinding),
 * through the whole app in-process and through a real listening server with raw Host headers.
 */
import { request as httpRequest } from 'node:http';
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { allowedHosts, hostnameOf, isLoopbackAddress } from '../../src/server/allowed-hosts.ts';
import { createApp } from '../../src/server/app.ts';
import { listen } from '../../src/server/listen.ts';

const silent = pino({ level: 'silent' });

/** A stand-in channel: a page with its own CSP, a JSON route and a webhook path. */
function channel() {
  const routes = new Hono();
  routes.get('/', (c) => {
    c.header('Content-Security-Policy', "default-src 'none'; script-src 'sha256-x'; frame-ancestors 'none'");
    return c.html('<p>chat</p>');
  });
  routes.get('/api/chat/threads/:id/messages', (c) => c.json({ messages: [] }));
  routes.post('/slack/events', (c) => c.json({ ok: true }));
  routes.post('/lark/events', (c) => c.json({ ok: true }));
  return { routes };
}

const loopbackApp = (publicUrl?: string) =>
  createApp({
    channels: [channel()],
    logger: silent,
    allowedHosts: allowedHosts({ host: '127.0.0.1', publicUrl }),
  });

describe('allowed hosts', () => {
  it('are the loopback names, plus the public URL host and a specific bind address', () => {
    expect(allowedHosts({ host: '127.0.0.1' })).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(allowedHosts({ host: '0.0.0.0', publicUrl: 'https://Helpline.Example.com:8443/x' })).toEqual([
      'localhost',
      '127.0.0.1',
      '[::1]',
      'helpline.example.com',
    ]);
    expect(allowedHosts({ host: '10.0.0.5' })).toContain('10.0.0.5');
    expect(allowedHosts({ host: 'fd00::5' })).toContain('[fd00::5]');
  });

  it('reads host names from Host headers', () => {
    expect(hostnameOf('LOCALHOST:3000')).toBe('localhost');
    expect(hostnameOf('[::1]:3000')).toBe('[::1]');
    expect(hostnameOf('example.com.')).toBe('example.com');
    expect(hostnameOf('')).toBeUndefined();
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
  });

  it('HELPLINE_PUBLIC_URL is a setting, and must be an http(s) URL', () => {
    expect(
      loadConfig({ env: { HELPLINE_PUBLIC_URL: 'https://helpline.example.com' } }).server.publicUrl,
    ).toBe('https://helpline.example.com');
    expect(() => loadConfig({ env: { HELPLINE_PUBLIC_URL: 'helpline.example.com' } })).toThrow(
      /HELPLINE_PUBLIC_URL must be the http\(s\) URL/,
    );
  });
});

describe('Host allow-list (in-process)', () => {
  it('serves loopback names with any port', async () => {
    const app = loopbackApp();
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:61234', '[::1]:3000']) {
      const res = await app.request('/api/chat/threads/t/messages', { headers: { host } });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses any other name with 421 and a message saying what to do', async () => {
    const app = loopbackApp();
    for (const host of ['evil.example', 'evil.example:3000', 'localhost.evil.example', '10.0.0.5:3000']) {
      const res = await app.request('/api/chat/threads/t/messages', { headers: { host } });
      expect(res.status, host).toBe(421);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe('HOST_NOT_ALLOWED');
      expect(json.error.message).toContain(`"${host}"`);
      expect(json.error.message).toContain('HELPLINE_PUBLIC_URL');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await app.request('/', { headers: { host: 'evil.example' } })).status).toBe(421);
  });

  it('serves the host of HELPLINE_PUBLIC_URL too', async () => {
    const app = loopbackApp('https://helpline.example.com');
    expect((await app.request('/', { headers: { host: 'helpline.example.com' } })).status).toBe(200);
    expect((await app.request('/', { headers: { host: 'localhost:3000' } })).status).toBe(200);
    expect((await app.request('/', { headers: { host: 'other.example.com' } })).status).toBe(421);
  });

  it('keeps the webhooks and probes working whatever host they arrive with', async () => {
    const app = loopbackApp();
    for (const path of ['/slack/events', '/lark/events']) {
      const res = await app.request(path, { method: 'POST', headers: { host: 'abc.ngrok.app' } });
      expect(res.status, path).toBe(200);
    }
    expect((await app.request('/healthz', { headers: { host: '10.1.2.3:3000' } })).status).toBe(200);
  });
});

describe('security headers', () => {
  it('are on every response: pages, JSON, errors and 404s', async () => {
    const app = loopbackApp();
    app.get('/boom', () => {
      throw new Error('x');
    });
    for (const path of [
      '/',
      '/api/chat/threads/t/messages',
      '/api/nothing',
      '/nothing',
      '/boom',
      '/healthz',
    ]) {
      const res = await app.request(path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });

  it("keep the page's own Content-Security-Policy", async () => {
    const res = await loopbackApp().request('/');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'sha256-x'");
  });
});

describe('Host allow-list (a real server, raw Host headers)', () => {
  const get = (url: string, host: string) =>
    new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest(url, { headers: { host } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });

  it('answers 421 to a rebinding name and 200 to localhost', async () => {
    const server = await listen(loopbackApp(), 0, { hostname: '127.0.0.1' });
    try {
      const path = `${server.url}/api/chat/threads/t/messages`;
      const port = new URL(server.url).port;
      expect((await get(path, `localhost:${port}`)).status).toBe(200);
      expect((await get(path, `127.0.0.1:${port}`)).status).toBe(200);
      const evil = await get(path, `attacker.example:${port}`);
      expect(evil.status).toBe(421);
      expect(evil.body).toContain('HOST_NOT_ALLOWED');
      expect(evil.headers['x-frame-options']).toBe('DENY');
    } finally {
      await server.close();
    }
  });
});

describe('webhook body limit', () => {
  it('refuses an unsigned 20 MB body to /lark/events with 413 before reading it', async () => {
    let handled = false;
    const lark = new Hono();
    lark.post('/lark/events', async (c) => {
      handled = true;
      return c.json({ ok: true });
    });
    const server = await listen(createApp({ channels: [{ routes: lark }], logger: silent }), 0, {
      hostname: '127.0.0.1',
    });
    try {
      const size = 20 * 1024 * 1024;
      const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
        const req = httpRequest(
          `${server.url}/lark/events`,
          { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(size) } },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, sent: req.socket?.bytesWritten ?? 0 });
            req.destroy();
          },
        );
        req.on('error', (err) => (err.message.includes('socket hang up') ? undefined : reject(err)));
        // Only the first megabyte is ever written: the answer must come from the declared length alone.
        req.write(Buffer.alloc(1024 * 1024, 0x20));
      });
      expect(status).toBe(413);
      expect(sent).toBeLessThan(2 * 1024 * 1024);
      expect(handled).toBe(false);
    } finally {
      await server.close();
    }
  });
});
