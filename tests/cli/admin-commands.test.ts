/**
 * `helpline token create|list|revoke` and `helpline login-link`: on the database directly when no
 * server runs on the data folder, and through the running server's admin socket when one does
 * (with the embedded database, one process owns it). The socket is owner-only.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOps } from '../../src/access/admin-ops.ts';
import { accessStores } from '../../src/access/stores.ts';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/load.ts';
import { adminSocketPath, serveAdminSocket } from '../../src/server/admin-socket.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import { recordingIo } from '../support/cli-io.ts';

const run = async (...argv: string[]) => {
  const out = recordingIo();
  const code = await main(argv, out);
  return { code, out: out.stdout.join('\n'), err: out.stderr.join('\n') };
};

let data: string;
beforeAll(() => {
  data = mkdtempSync(join(tmpdir(), 'helpline-admin-'));
  process.env.HELPLINE_DATA = data;
});
afterAll(() => {
  delete process.env.HELPLINE_DATA;
});

describe('helpline token / login-link on the database (no server running)', () => {
  it('creates a token shown once, lists it without the secret, revokes it', async () => {
    const created = await run(
      'token',
      'create',
      '--user',
      'emp-a',
      '--role',
      'employee',
      '--name',
      'script',
      '--expires',
      '30d',
    );
    expect(created.code).toBe(0);
    const token = created.out.trim();
    expect(token).toMatch(/^hlp_/);
    expect(created.err).toMatch(/emp-a \(employee\), expires/);
    const listed = await run('token', 'list', '--json');
    const tokens = JSON.parse(listed.out) as { id: string; userId: string }[];
    expect(tokens.map((t) => t.userId)).toEqual(['emp-a']);
    expect(listed.out).not.toContain(token);
    expect((await run('token', 'revoke', tokens[0].id)).code).toBe(0);
    expect((await run('token', 'list')).out).toMatch(/revoked/);
  });

  it('refuses a bad role, a missing user, an unknown token, with what to do', async () => {
    const role = await run('token', 'create', '--user', 'x', '--role', 'boss');
    expect(role.code).toBe(2);
    expect(role.err).toMatch(/--role must be one of employee, hr_admin, l2, l3, admin/);
    const user = await run('token', 'create', '--role', 'l2');
    expect(user.code).toBe(2);
    expect(user.err).toMatch(/--user is required/);
    const unknown = await run('token', 'revoke', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/token list/);
  });

  it('prints a single-use sign-in link', async () => {
    const link = await run('login-link', '--user', 'root', '--role', 'admin');
    expect(link.code).toBe(0);
    expect(link.out.trim()).toMatch(/^http:\/\/127\.0\.0\.1:3000\/auth\/link\?code=[\w-]{43}$/);
  });
});

describe('through the running server', () => {
  it('goes through the admin socket (owner-only) when a server owns the data folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpline-admin-sock-'));
    process.env.HELPLINE_DATA = dir;
    // The "server": its own database (in memory), serving the socket under the data folder.
    const db = await openDatabase({});
    const stores = accessStores(db, loadConfig({ env: {} }));
    const socket = await serveAdminSocket(
      adminSocketPath(dir),
      adminOps(stores, () => 'https://helpline.example.com'),
      pino({ level: 'silent' }),
    );
    try {
      expect(statSync(adminSocketPath(dir)).mode & 0o777).toBe(0o600);
      const created = await run('token', 'create', '--user', 'eng-1', '--role', 'l2');
      expect(created.code).toBe(0);
      expect(await stores.tokens.verify(created.out.trim())).toMatchObject({ userId: 'eng-1', role: 'l2' });
      const link = await run('login-link', '--user', 'root', '--role', 'admin');
      expect(link.out).toMatch(/^https:\/\/helpline\.example\.com\/auth\/link\?code=/);
      // The server's refusals come back as the same coded errors.
      expect((await run('token', 'create', '--user', 'x', '--role', 'boss')).code).toBe(2);
    } finally {
      await socket.close();
      await db.close();
      process.env.HELPLINE_DATA = data;
    }
  });
});
