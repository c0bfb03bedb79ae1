/**
 * What a loaded machine may send besides an answer: the honest "busy, you are in the queue" notice
 * (src/inbound/accept.ts) before it, and the never-silent fallback (src/assistant/fallback.ts) when a
 * turn misses its 15 s deadline, the answer following as a late reply. Fault tests that count
 * answers count these apart.
 */
import { FALLBACK_TEXT } from '../../src/assistant/fallback.ts';
import { BUSY_TEXT } from '../../src/inbound/accept.ts';

/** The fixed opening of each language's busy notice (the text before the queue position). */
export const BUSY_EN = BUSY_TEXT.en(0).split(' — ')[0];
export const BUSY_ZH = BUSY_TEXT.zh(0).split('，')[0];

export const isBusy = (text: string) => text.includes(BUSY_EN) || text.includes(BUSY_ZH);

/** The busy notice or the fallback: not an answer. */
export const isNotice = (text: string) =>
  isBusy(text) || text.includes(FALLBACK_TEXT.en) || text.includes(FALLBACK_TEXT.zh);
export const NOTICE_TEXTS = [FALLBACK_TEXT.en, FALLBACK_TEXT.zh];
