/** Binds an app to a TCP port with @hono/node-server and gives back its URL and a graceful close. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { HelplineError } from '../errors.ts';

export interface ListenOptions {
  /** Interface to bind. @defaultValue all interfaces */
  hostname?: string;
  /**
   * On close, how long open requests (notably SSE streams, which never end on their own) may
   * continue before their connections are cut. @defaultValue 1000
   */
  shutdownGraceMs?: number;
}

export interface Listening {
  /** e.g. http://localhost:3000 (the real port when 0 was asked for). */
  url: string;
  port: number;
  /** Stops accepting connections, lets open requests finish within the grace period, then resolves. */
  close(): Promise<void>;
}

export function listen(
  app: Pick<Hono, 'fetch'>,
  port: number,
  options: ListenOptions = {},
): Promise<Listening> {
  const graceMs = options.shutdownGraceMs ?? 1000;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: options.hostname }) as Server;
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
        const why = err.code === 'EADDRINUSE' ? 'is already in use' : 'needs privileges this process lacks';
        reject(
          new HelplineError('CONFIG_INVALID', `Port ${port} ${why}; set PORT to a free port above 1023.`, {
            cause: err,
          }),
        );
      } else {
        reject(err);
      }
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      const actualPort = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${urlHost(options.hostname)}:${actualPort}`,
        port: actualPort,
        close: () => closeServer(server, graceMs),
      });
    });
  });
}

function urlHost(hostname: string | undefined): string {
  if (!hostname || hostname === '0.0.0.0' || hostname === '::') return 'localhost';
  return hostname.includes(':') ? `[${hostname}]` : hostname;
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close((err) => {
      clearTimeout(force);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
