import { hasCjk } from '../knowledge/tokenize.ts';
import type { Lang } from '../knowledge/types.ts';

/** The reply language: Chinese when the message has any Chinese characters, else English. */
export function detectLang(text: string): Lang {
  return hasCjk(text) ? 'zh' : 'en';
}
