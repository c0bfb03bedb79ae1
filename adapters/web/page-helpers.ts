/**
 * The web chat page's pure rendering helpers, a real browser-JavaScript file (assets/chat-helpers.js,
 * type-checked by `npm run typecheck` with tsconfig.browser.json and linted), read once here. Tests
 * evaluate it in Node to check escaping.
 */
import { readFileSync } from 'node:fs';
import { TICKET_WORDS } from '../../src/tickets/ticket-words.ts';

/** The helpers, after the data they read (page-globals.d.ts declares it for the type-check). */
export const pageHelpersSource = `var TICKET_WORDS = ${JSON.stringify(TICKET_WORDS)};
${readFileSync(new URL('./assets/chat-helpers.js', import.meta.url), 'utf8')}`;
