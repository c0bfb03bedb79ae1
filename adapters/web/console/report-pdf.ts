/**
 * The monthly report as PDF: the report's own HTML printed by a headless Chromium through
 * playwright-core (which downloads no browser on install). The page is served to Chromium from
 * memory under a private origin, with the chart library as its only other request; everything
 * else is refused, so printing never reaches the network. One print at a time: a report is a
 * monthly document, not a hot path, and each print holds a browser (~150 MB) while it runs.
 *
 * Chromium is looked for at HELPLINE_CHROMIUM, then the usual Debian/Ubuntu paths, then
 * playwright's own download (`npx playwright-core install chromium`). Without one the PDF route
 * answers 503 saying how to install it; the HTML report prints to PDF from any browser.
 * playwright-core is imported at the first print: loading it costs ~0.5 s of CPU, which every
 * start of the server would otherwise pay for a page printed once a month.
 */
import { existsSync } from 'node:fs';
import type { BrowserType } from 'playwright-core';
import { HelplineError } from '../../../src/errors.ts';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];
const ORIGIN = 'http://helpline.report';
const PRINT_TIMEOUT_MS = 30_000;

const NO_CHROMIUM =
  'The PDF report needs a Chromium and none was found. Install one (Debian/Ubuntu: apt-get install chromium; ' +
  'or npx playwright-core install chromium) or set HELPLINE_CHROMIUM to its path; meanwhile the HTML report ' +
  'prints to PDF from any browser.';

/** The Chromium to print with, or undefined when there is none. */
function findChromium(chromium: BrowserType, configured?: string): string | undefined {
  if (configured) return existsSync(configured) ? configured : undefined;
  const own = (() => {
    try {
      return chromium.executablePath();
    } catch {
      return undefined;
    }
  })();
  return [...CANDIDATES, own].find((p): p is string => !!p && existsSync(p));
}

export interface PrintInput {
  /** The page, as the browser would get it from /console/reports/… */
  html: string;
  /** Path → body of the other files the page loads (the chart library). */
  assets: Record<string, { body: string; type: string }>;
}

let queue: Promise<unknown> = Promise.resolve();

/** Prints the page to A4 PDF bytes; 503 UNAVAILABLE without a Chromium. */
export async function printPdf(input: PrintInput, chromiumPath?: string): Promise<Buffer> {
  const { chromium } = await import('playwright-core');
  const executablePath = findChromium(chromium, chromiumPath);
  if (!executablePath) throw new HelplineError('UNAVAILABLE', NO_CHROMIUM);
  const run = queue.then(() => print(chromium, input, executablePath));
  queue = run.catch(() => {});
  return run;
}

async function print(chromium: BrowserType, input: PrintInput, executablePath: string): Promise<Buffer> {
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-sync',
    ],
    timeout: PRINT_TIMEOUT_MS,
  });
  try {
    const page = await browser.newPage({ javaScriptEnabled: true });
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) return route.abort();
      if (url.pathname === '/report') {
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: input.html });
      }
      const asset = input.assets[url.pathname];
      return asset
        ? route.fulfill({ status: 200, contentType: asset.type, body: asset.body })
        : route.abort();
    });
    await page.goto(`${ORIGIN}/report`, { timeout: PRINT_TIMEOUT_MS });
    await page.waitForSelector('body[data-charts="ready"]', { timeout: PRINT_TIMEOUT_MS });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
