/**
 * Chinese abbreviations learned from the KB's own words at ingest: a four-character compound of two
 * two-character words is commonly shortened to their first characters (社会保险 → 社保, 医疗保险 →
 * 医保, 计划生育 → 计生, 私营企业 → 私企, 劳动保护 → 劳保). A question word the KB never uses but
 * that abbreviates one of its compounds is searched (and counts as evidence) through the compound,
 * as a synonym would be, with no entry written by hand for the KB.
 *
 * Only words the index lacks are expanded, so a short word the KB itself uses (安生, 工资) is never
 * read as an abbreviation of something else.
 */

const FOUR_CJK = /^[\u3400-\u4dbf\u4e00-\u9fff]{4}$/;

export class Abbreviations {
  readonly #full = new Map<string, string[]>();

  /**
   * @param words the index's word terms (any order; other terms are ignored)
   * @param isWord whether a two-character string is a word in its own right (jieba's cut of a
   *   compound into two words): 社会|保险 qualifies, 劳动|者x does not
   */
  constructor(words: Iterable<string>, isWord: (w: string) => boolean) {
    for (const w of words) {
      if (!FOUR_CJK.test(w) || !isWord(w.slice(0, 2)) || !isWord(w.slice(2))) continue;
      const short = w[0] + w[2];
      const list = this.#full.get(short);
      if (!list) this.#full.set(short, [w]);
      else if (list.length < MAX_EXPANSIONS) list.push(w);
    }
  }

  /** The KB compounds `word` may abbreviate (empty unless it is a two-character Chinese word). */
  of(word: string): string[] {
    return this.#full.get(word) ?? [];
  }

  get size(): number {
    return this.#full.size;
  }
}

/** An abbreviation shared by many compounds says little about which one is meant. */
const MAX_EXPANSIONS = 3;
