/**
 * The running server's admin socket: `helpline token …` and `helpline login-link` reach the process
 * that owns the embedded database through it (one process owns PGlite). A Unix socket under
 * HELPLINE_DATA, owner-only (0600), so only the account that runs Helpline can use it; one JSON
 * request per line, one JSON answer per line.
 */
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  ADMIN_OPS,
  type AdminOp,
  type AdminOps,
  type AdminRequests,
  type AdminResults,
} from '../access/admin-ops.ts';
import { HelplineError, toHelplineError } from '../errors.ts';

export const ADMIN_SOCKET = 'admin.sock';
const MAX_LINE = 64 * 1024;

export const adminSocketPath = (dataDir: string) => join(dataDir, ADMIN_SOCKET);

/** Serves the admin operations on the socket; resolves once it listens. */
export async function serveAdminSocket(
  path: string,
  ops: AdminOps,
  logger: Logger,
): Promise<{ close(): Promise<void> }> {
  // A socket file left by a process that died is stale: nobody answers on it.
  if (existsSync(path) && !(await answers(path))) rmSync(path, { force: true });
  const server: Server = createServer((conn) => {
    let buffer = '';
    conn.setEncoding('utf8');
    conn.on('error', () => conn.destroy());
    conn.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_LINE) return conn.destroy();
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      const line = buffer.slice(0, end);
      buffer = '';
      void handle(line).then((answer) => conn.end(`${JSON.stringify(answer)}\n`));
    });
  });
  const handle = async (line: string) => {
    try {
      const request = JSON.parse(line) as { op?: string; args?: unknown };
      if (!ADMIN_OPS.includes(request.op as AdminOp)) {
        throw new HelplineError('USAGE', `Unknown admin operation "${String(request.op).slice(0, 50)}".`);
      }
      const op = request.op as AdminOp;
      const result = await (ops[op] as (a: unknown) => Promise<unknown>)(request.args ?? {});
      logger.info({ op }, 'admin operation');
      return { ok: true, result };
    } catch (err) {
      const e = toHelplineError(err);
      return { ok: false, error: { code: e.code, message: e.message } };
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Created owner-only from the start: no moment where others could connect.
    const mask = process.umask(0o177);
    server.listen(path, () => {
      process.umask(mask);
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(path, { force: true });
      }),
  };
}

/** Whether a server answers on the socket. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = createConnection(path);
    conn.once('connect', () => {
      conn.destroy();
      resolve(true);
    });
    conn.once('error', () => resolve(false));
  });
}

/**
 * Sends one request to the running server. Undefined when no server listens there (the caller then
 * opens the database itself); the server's refusal is thrown as its coded error.
 */
export async function callAdminSocket<K extends AdminOp>(
  path: string,
  op: K,
  args: AdminRequests[K],
): Promise<AdminResults[K] | undefined> {
  if (!existsSync(path)) return undefined;
  const reply = await new Promise<string | undefined>((resolve, reject) => {
    const conn = createConnection(path);
    let data = '';
    let connected = false;
    conn.setEncoding('utf8');
    conn.once('connect', () => {
      connected = true;
      conn.write(`${JSON.stringify({ op, args })}\n`);
    });
    conn.on('data', (chunk: string) => {
      data += chunk;
    });
    conn.once('end', () => resolve(data));
    conn.once('error', (err: NodeJS.ErrnoException) => {
      if (!connected && (err.code === 'ECONNREFUSED' || err.code === 'ENOENT')) resolve(undefined);
      else
        reject(
          new HelplineError('UNAVAILABLE', `The running server's admin socket failed: ${err.message}`, {
            cause: err,
          }),
        );
    });
  });
  if (reply === undefined) return undefined;
  const answer = JSON.parse(reply) as {
    ok: boolean;
    result?: AdminResults[K];
    error?: { code: string; message: string };
  };
  if (!answer.ok) {
    throw new HelplineError(
      (answer.error?.code ?? 'INTERNAL') as HelplineError['code'],
      answer.error?.message ?? 'failed',
    );
  }
  return answer.result;
}
