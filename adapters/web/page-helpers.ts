/**
 * The web chat page's pure rendering helpers, a real browser-JavaScript file (assets/chat-helpers.js,
 * type-checked by `npm run typecheck` with tsconfig.browser.json and linted), read once here. Tests
 * evaluate it in Node to check escaping.
 */
import { readFileSync } from 'node:fs';

export const pageHelpersSource = readFileSync(new URL('./assets/chat-helpers.js', import.meta.url), 'utf8');
