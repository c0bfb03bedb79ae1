/**
 * The admin socket under HELPLINE_DATA: the data folder's lock, and the way `helpline token …`,
 * `login-link` and `backup` reach the process that owns the embedded database (one process owns
 * PGlite). A Unix socket, owner-only (0600), so only the account that runs Helpline can use it;
 * one JSON request per line, one JSON answer per line.
 *
 * As a lock: binding a Unix socket path fails while the file exists, so one process at a time holds
 * it, and the kernel closes it when that process dies, even by SIGKILL. A socket file nobody
 * listens on (connect → ECONNREFUSED) is a dead process's and is taken over; one that answers is a
 * live holder, which says who it is (`holder`: pid and command) for the refusal message. No pid
 * file: a pid outlives its process (a container restarted with the same pid looks alive), a
 * listening socket does not.
 */
import { chmodSync, closeSync, lstatSync, openSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import {
  ADMIN_OPS,
  type AdminOp,
  type AdminOps,
  type AdminRequests,
  type AdminResults,
} from '../access/admin-ops.ts';
import { HelplineError, toHelplineError } from '../errors.ts';
import type { LogSink } from '../ops/logger.ts';

export const ADMIN_SOCKET = 'admin.sock';
const MAX_LINE = 64 * 1024;
/** How long a holder has to say who it is before it is reported without a pid. */
const HOLDER_WAIT_MS = 2000;
/** The request every holder answers at once, before and besides the admin operations. */
const HOLDER_OP = 'holder';
/** How long a start keeps trying while other starters take a dead socket over. */
const BIND_WAIT_MS = 5000;
/** A takeover lock older than this was left by a process that died holding it. */
const STALE_TAKEOVER_MS = 10_000;

export const adminSocketPath = (dataDir: string) => join(dataDir, ADMIN_SOCKET);

/** Who holds a socket: its process id and command (`helpline serve`), when it said. */
export interface Holder {
  pid?: number;
  command?: string;
}

export interface AdminSocket {
  /** Start answering admin operations; until then they wait (the server is still starting). */
  serve(ops: AdminOps): void;
  /** Stop answering and release the path. */
  close(): Promise<void>;
}

export interface ClaimOptions {
  /** What this process is, told to whoever finds the socket taken, e.g. `helpline serve`. */
  command: string;
  /**
   * Refuses admin operations at once with this message when this process will not serve them (a
   * CLI command holding the folder while it works on the database). @defaultValue undefined: wait for `serve`
   */
  refusal?: string;
  logger?: LogSink;
}

/** The path is held by a live process (`holder` says who, when it answered). */
export class SocketTakenError extends Error {
  readonly holder: Holder;
  constructor(path: string, holder: Holder) {
    super(`${path} is held by ${holder.pid ? `pid ${holder.pid}` : 'another process'}`);
    this.holder = holder;
  }
}

/** Binds the socket as this process's, taking over a dead process's; SocketTakenError when live. */
export async function claimAdminSocket(path: string, options: ClaimOptions): Promise<AdminSocket> {
  let ops: AdminOps | undefined;
  let closed = false;
  let ready = () => {};
  const served = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const handle = async (line: string) => {
    try {
      const request = JSON.parse(line) as { op?: string; args?: unknown };
      if (request.op === HOLDER_OP)
        return { ok: true, result: { pid: process.pid, command: options.command } };
      if (!ADMIN_OPS.includes(request.op as AdminOp)) {
        throw new HelplineError('USAGE', `Unknown admin operation "${String(request.op).slice(0, 50)}".`);
      }
      if (options.refusal) throw new HelplineError('DATA_DIR_IN_USE', options.refusal);
      await served;
      if (!ops || closed) throw new HelplineError('UNAVAILABLE', 'The server is stopping; try again.');
      const op = request.op as AdminOp;
      const result = await (ops[op] as (a: unknown) => Promise<unknown>)(request.args ?? {});
      options.logger?.info({ op }, 'admin operation');
      return { ok: true, result };
    } catch (err) {
      const e = toHelplineError(err);
      return { ok: false, error: { code: e.code, message: e.message } };
    }
  };
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
  const inode = await bindExclusive(server, path);
  // The lock alone never keeps a process alive: a start that fails after claiming it still exits.
  server.unref();
  return {
    serve(given) {
      ops = given;
      ready();
    },
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        ready();
        server.close(() => resolve());
        // Only our own file: after a takeover race the path may name another process's socket.
        if (inodeOf(path) === inode) rmSync(path, { force: true });
      }),
  };
}

/** Claims the socket and serves the operations on it at once (tests, and a server already built). */
export async function serveAdminSocket(path: string, ops: AdminOps, logger: LogSink): Promise<AdminSocket> {
  const socket = await claimAdminSocket(path, { command: 'helpline serve', logger });
  socket.serve(ops);
  return socket;
}

/** Listens on `path`, owner-only from the first moment; returns the socket file's inode. */
async function bindExclusive(server: Server, path: string): Promise<number | undefined> {
  const deadline = Date.now() + BIND_WAIT_MS;
  while (Date.now() < deadline) {
    const bound = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const mask = process.umask(0o177);
      server.once('error', resolve);
      server.listen(path, () => {
        server.off('error', resolve);
        resolve(undefined);
      });
      process.umask(mask);
    });
    if (!bound) {
      chmodSync(path, 0o600);
      return inodeOf(path);
    }
    if (bound.code !== 'EADDRINUSE') throw bound;
    const probe = await probeHolder(path);
    if (probe.live) throw new SocketTakenError(path, probe.holder);
    if (!(await removeDeadSocket(path))) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new SocketTakenError(path, {});
}

/**
 * Removes a dead process's socket file. Several starters may find it dead at once, and the first
 * to remove it binds its own there at once: so removal happens only under a takeover lock (a file
 * created exclusively), after probing again under it, and a live socket is never removed. False
 * when another starter holds the takeover lock (try again shortly).
 */
async function removeDeadSocket(path: string): Promise<boolean> {
  const lock = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Left by a process that died within its takeover (a few milliseconds): cleared after a while.
    if (Date.now() - (statOf(lock)?.mtimeMs ?? Date.now()) > STALE_TAKEOVER_MS) rmSync(lock, { force: true });
    return false;
  }
  try {
    if (!(await probeHolder(path)).live) rmSync(path, { force: true });
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
  return true;
}

function statOf(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

const inodeOf = (path: string): number | undefined => statOf(path)?.ino;

/** Whether a live process holds the socket (it accepts connections), and who it says it is. */
function probeHolder(path: string): Promise<{ live: false } | { live: true; holder: Holder }> {
  return new Promise((resolve) => {
    const conn = createConnection(path);
    let data = '';
    const timer = setTimeout(() => {
      conn.destroy();
      resolve({ live: true, holder: {} });
    }, HOLDER_WAIT_MS);
    conn.setEncoding('utf8');
    conn.once('connect', () => conn.write(`${JSON.stringify({ op: HOLDER_OP })}\n`));
    conn.on('data', (chunk: string) => {
      data += chunk;
    });
    conn.once('end', () => {
      clearTimeout(timer);
      try {
        const answer = JSON.parse(data) as { ok?: boolean; result?: Holder };
        resolve({ live: true, holder: answer.ok && answer.result ? answer.result : {} });
      } catch {
        resolve({ live: true, holder: {} });
      }
    });
    conn.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // Refused: nobody listens (its process died). Any other failure (another account's
      // owner-only socket: EACCES) is a holder all the same.
      resolve(
        err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? { live: false } : { live: true, holder: {} },
      );
    });
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
  if (inodeOf(path) === undefined) return undefined;
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
