/**
 * The server under test for bench/jobs.bench.ts, in its own process so the load generator never
 * shares its event loop. It runs exactly what `helpline serve` runs (startServer: KB, runtime,
 * workers, web chat and ops routes), configured only from the environment the bench gives it
 * (PORT=0, HELPLINE_DATA, HELPLINE_KB, REDIS_URL, DATABASE_URL), then prints one line
 * `HELPLINE_BENCH_READY {"url":…,"pid":…}` on stdout. When its stdin closes (the bench is done, or
 * died) it shuts down gracefully and exits, so `--cpu-prof` profiles are written. With
 * HELPLINE_BENCH_IO_STATS=FILE it also times every SQL statement and Redis command and writes the
 * totals there (lib/io-stats.ts).
 */

import { writeFileSync } from 'node:fs';
import type { Io } from '../../src/cli/io.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startServer } from '../../src/server/start.ts';
import { installIoStats, ioStatsReport } from './io-stats.ts';

/** The line lib/server-process.ts waits for. */
const READY_MARK = 'HELPLINE_BENCH_READY';

/** A bound on shutdown: a server that does not close in this time is left to exit anyway. */
const CLOSE_TIMEOUT_MS = 10_000;

const io: Io = {
  out: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  lines: async function* () {},
  tty: false,
};

const ioStatsFile = process.env.HELPLINE_BENCH_IO_STATS;

async function main(): Promise<void> {
  if (ioStatsFile) installIoStats();
  const config = loadConfig({ env: process.env });
  const server = await startServer(config, io);
  process.stdout.write(`${READY_MARK} ${JSON.stringify({ url: server.url, pid: process.pid })}\n`);

  let closing = false;
  const stop = async (why: string) => {
    if (closing) return;
    closing = true;
    io.err(`bench server: stopping (${why})`);
    const force = setTimeout(() => {
      io.err(`bench server: not closed within ${CLOSE_TIMEOUT_MS} ms, exiting anyway`);
      process.exit(1);
    }, CLOSE_TIMEOUT_MS);
    force.unref();
    try {
      await server.close();
    } finally {
      if (ioStatsFile) writeFileSync(ioStatsFile, `${ioStatsReport()}\n`);
      clearTimeout(force);
      process.exit(process.exitCode ?? 0);
    }
  };
  process.stdin.on('end', () => void stop('stdin closed'));
  process.stdin.on('error', () => void stop('stdin error'));
  process.stdin.resume();
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`bench server: could not start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
