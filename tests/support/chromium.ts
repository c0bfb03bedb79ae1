/**
 * Debian's Chromium driven by playwright-core, for the browser tests (web chat, sign-in, console).
 * Missing Chromium is an error that says how to install it, never a skip (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import type { Io } from '../../src/cli/io.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A CLI Io that prints nothing: the browser tests start the real server in-process. */
export const quietIo: Io = { out() {}, err() {}, lines: async function* () {}, tty: false };

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
