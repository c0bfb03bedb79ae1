/**
 * The web chat page's inline script: the helpers and the controller (assets/chat-helpers.js and
 * assets/chat.js, real browser-JavaScript files, type-checked and linted) in one strict-mode closure.
 */
import { readFileSync } from 'node:fs';
import { pageHelpersSource } from './page-helpers.ts';

const controllerSource = readFileSync(new URL('./assets/chat.js', import.meta.url), 'utf8');

/** The whole inline script: helpers plus controller, in one strict-mode closure. */
export const pageScript = `(function () {
'use strict';
${pageHelpersSource}
${controllerSource}
})();`;
