/**
 * The honest "busy, you are in the queue" notice (src/inbound/accept.ts) a loaded machine may send
 * before an answer. Fault tests count answers apart from it: it is allowed, once per message.
 */
import { BUSY_TEXT } from '../../src/inbound/accept.ts';

/** The fixed opening of each language's notice (the text before the queue position). */
export const BUSY_EN = BUSY_TEXT.en(0).split(' — ')[0];
export const BUSY_ZH = BUSY_TEXT.zh(0).split('，')[0];

export const isBusy = (text: string) => text.includes(BUSY_EN) || text.includes(BUSY_ZH);
