/**
 * One process per data folder (src/server/data-folder.ts): the admin socket is the lock, claimed
 * first at start. A second holder is refused with DATA_DIR_IN_USE naming the first one's pid; a
 * dead process's socket (SIGKILL) is taken over, also when several start at once; processes on
 * PostgreSQL and Redis may share a folder. Then the real thing: two `helpline serve` processes.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { AdminOps } from '../../src/access/admin-ops.ts';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/load.ts';
import { isHelplineError } from '../../src/errors.ts';
import { adminSocketPath, callAdminSocket } from '../../src/server/admin-socket.ts';
import { claimDataFolder } from '../../src/server/data-folder.ts';
import { waitFor } from '../jobs/wait.ts';
import { recordingIo } from '../support/cli-io.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const logger = pino({ level: 'silent' });
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

const newFolder = () => mkdtempSync(join(tmpdir(), 'helpline-folder-'));
const configFor = (dir: string, env: Record<string, string> = {}) =>
  loadConfig({ env: { HELPLINE_DATA: dir, ...env } });
const claim = (dir: string, command = 'helpline serve', env: Record<string, string> = {}) =>
  claimDataFolder(configFor(dir, env), { command, serving: true, logger });

/** A process that binds the folder's socket, then is SIGKILLed: its socket file stays behind. */
async function deadHoldersSocket(dir: string): Promise<void> {
  const path = adminSocketPath(dir);
  const child = spawn(
    process.execPath,
    ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await once(child.stdout!, 'data');
  child.kill('SIGKILL');
  await once(child, 'exit');
  expect(statSync(path).isSocket()).toBe(true);
}

describe('the data folder lock', () => {
  it('refuses a second holder with a coded error naming the first one, its pid and the folder', async () => {
    const dir = newFolder();
    const first = await claim(dir);
    try {
      await claim(dir);
      expect.unreachable();
    } catch (err) {
      expect(isHelplineError(err, 'DATA_DIR_IN_USE')).toBe(true);
      expect((err as Error).message).toBe(
        `Another helpline process (pid ${process.pid}, \`helpline serve\`) is using the data folder ${dir}; stop it, or give this one its own HELPLINE_DATA (or use DATABASE_URL and REDIS_URL to share PostgreSQL and Redis between processes).`,
      );
    } finally {
      await first?.close();
    }
    expect(existsSync(adminSocketPath(dir))).toBe(false);
    // Released: the next one gets it.
    await (await claim(dir))?.close();
  });

  it('takes over the socket a SIGKILLed process left, owner-only', async () => {
    const dir = newFolder();
    await deadHoldersSocket(dir);
    const socket = await claim(dir);
    expect(socket).toBeDefined();
    expect(statSync(adminSocketPath(dir)).mode & 0o777).toBe(0o600);
    await socket?.close();
  });

  it('lets exactly one of several processes starting at once take over a dead socket', async () => {
    // Removing the dead file and binding are separate steps: a starter that removed it first and
    // bound its own must not lose that to a slower one that also saw the file dead.
    for (let round = 0; round < 3; round++) {
      const dir = newFolder();
      await deadHoldersSocket(dir);
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => claim(dir)));
      const won = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const r of refused) expect(isHelplineError(r.reason, 'DATA_DIR_IN_USE')).toBe(true);
      await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof claim>>>).value?.close();
    }
  });

  it('lets processes on PostgreSQL and Redis share a folder: the first serves the socket', async () => {
    const dir = newFolder();
    const shared = { DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://r:6379' };
    const first = await claim(dir, 'helpline serve', shared);
    expect(first).toBeDefined();
    expect(await claim(dir, 'helpline serve', shared)).toBeUndefined();
    // With the database shared but the job journal not (no REDIS_URL), the folder is not shareable.
    await expect(claim(dir, 'helpline serve', { DATABASE_URL: 'postgres://db/x' })).rejects.toThrowError(
      /set REDIS_URL too/,
    );
    await first?.close();
  });

  it('holds admin commands until the server is built, and a CLI holder refuses them at once', async () => {
    const dir = newFolder();
    const server = await claim(dir);
    const asked = callAdminSocket(adminSocketPath(dir), 'token.list', {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    server?.serve({ 'token.list': async () => ({ tokens: [] }) } as unknown as AdminOps);
    expect(await asked).toEqual({ tokens: [] });
    await server?.close();

    const backup = await claimDataFolder(configFor(dir), {
      command: 'helpline backup',
      serving: false,
      logger,
    });
    await expect(callAdminSocket(adminSocketPath(dir), 'token.list', {})).rejects.toThrowError(
      `Another helpline process (pid ${process.pid}, \`helpline backup\`) is using the data folder ${dir}; wait for it to finish, then try again.`,
    );
    await backup?.close();
  });

  it('`helpline worker` on the embedded database refuses a folder a server holds, before it opens anything', async () => {
    const dir = newFolder();
    const server = await claim(dir);
    Object.assign(process.env, { HELPLINE_DATA: dir, REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const io = recordingIo();
      expect(await main(['worker'], io)).toBe(1);
      expect(io.stderr.join('')).toContain(
        `helpline worker: Another helpline process (pid ${process.pid}, \`helpline serve\`) is using the data folder ${dir}; stop it, or give this one its own HELPLINE_DATA (or set DATABASE_URL too`,
      );
    } finally {
      delete process.env.HELPLINE_DATA;
      delete process.env.REDIS_URL;
      await server?.close();
    }
  });

  it('holds the folder while a CLI command opens the embedded database itself; restore refuses a held folder', async () => {
    const dir = newFolder();
    process.env.HELPLINE_DATA = dir;
    try {
      const io = recordingIo();
      expect(await main(['token', 'create', '--user', 'emp-a', '--role', 'employee'], io)).toBe(0);
      // Released when done.
      expect(existsSync(adminSocketPath(dir))).toBe(false);
      const file = join(dir, 'backup.jsonl');
      expect(await main(['backup', '--out', file], recordingIo())).toBe(0);

      const server = await claim(dir);
      try {
        const restoring = recordingIo();
        expect(await main(['restore', file], restoring)).toBe(1);
        expect(restoring.stderr.join('')).toContain(
          `is using the data folder ${dir}; stop it, point HELPLINE_DATA at a new folder, and restore there.`,
        );
      } finally {
        await server?.close();
      }
    } finally {
      delete process.env.HELPLINE_DATA;
    }
  });
});

describe('two `helpline serve` processes on one data folder', () => {
  const data = newFolder();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    LOG_LEVEL: 'warn',
    PORT: '0',
    HELPLINE_DATA: data,
  };

  function serve(): { child: ChildProcess; output: () => string } {
    const child = spawn(process.execPath, ['bin/helpline.js', 'serve'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let text = '';
    child.stdout!.on('data', (d) => {
      text += d;
    });
    child.stderr!.on('data', (d) => {
      text += d;
    });
    return { child, output: () => text };
  }

  const helpline = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['bin/helpline.js', ...args], { cwd: ROOT, env });

  it('the second refuses to start (exit 1, no stack trace); a SIGKILLed first does not block a restart', async () => {
    const first = serve();
    await waitFor('the first banner', () => /Ready \d+ ms/.test(first.output()), 60_000);

    const second = serve();
    const [code] = await once(second.child, 'exit');
    expect(code).toBe(1);
    expect(second.output()).toContain(
      `helpline serve: Another helpline process (pid ${first.child.pid}, \`helpline serve\`) is using the data folder ${data}; stop it, or give this one its own HELPLINE_DATA`,
    );
    expect(second.output()).not.toMatch(/\n\s+at |EADDRINUSE|Ready/);

    // The first one still owns the folder, and the CLI reaches it through the admin socket.
    const token = await helpline('token', 'create', '--user', 'emp-a', '--role', 'employee');
    expect(token.stdout).toMatch(/^hlp_/);
    const backup = await helpline('backup', '--out', join(data, 'b.jsonl'), '--json');
    expect(JSON.parse(backup.stdout).tables.api_tokens.rows).toBe(1);

    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    expect(existsSync(adminSocketPath(data))).toBe(true);
    const third = serve();
    await waitFor('the restarted banner', () => /Ready \d+ ms/.test(third.output()), 60_000);
    expect((await helpline('token', 'list', '--json')).stdout).toContain('emp-a');
    third.child.kill('SIGTERM');
    const [exit] = await once(third.child, 'exit');
    expect(exit).toBe(0);
    expect(existsSync(adminSocketPath(data))).toBe(false);
  }, 150_000);
});
