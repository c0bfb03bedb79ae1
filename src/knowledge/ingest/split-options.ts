/**
 * How documents become passages, apart from the splitter itself (split.ts), so that reading the
 * settings does not load LangChain: a start whose KB is unchanged never splits anything.
 */
import { HelplineError } from '../../errors.ts';

/** How documents become passages. */
export interface SplitOptions {
  /**
   * Target size of each part of a long section, in characters. Measured on the tune halves of both
   * eval KBs (500 → 1000: recall@5 +0.07, MRR@10 +0.04 on average): a statute article or a handbook
   * section rarely fits in 500 characters together with the sentences that qualify it.
   * @defaultValue 1000
   */
  chunkSize?: number;
  /**
   * A section up to this many characters stays one passage; a longer one is cut into parts. Larger
   * than `chunkSize` so a section just over the target is not cut into a full part and a scrap.
   * @defaultValue 1400 (1.4 × `chunkSize` when only `chunkSize` is set)
   */
  maxChars?: number;
  /**
   * Characters repeated at the start of the next part, so a sentence cut at a boundary is whole in one.
   * @defaultValue 80 (at most a quarter of `chunkSize`)
   */
  chunkOverlap?: number;
}

export const DEFAULT_SPLIT_OPTIONS: Readonly<Required<SplitOptions>> = {
  chunkSize: 1000,
  maxChars: 1400,
  chunkOverlap: 80,
};

/** Defaults filled in and checked once, so a bad setting fails at start with a message, not mid-ingest. */
export function resolveSplitOptions(options: SplitOptions = {}): Required<SplitOptions> {
  const chunkSize = options.chunkSize ?? DEFAULT_SPLIT_OPTIONS.chunkSize;
  const maxChars = options.maxChars ?? Math.round(chunkSize * 1.4);
  const chunkOverlap =
    options.chunkOverlap ?? Math.min(DEFAULT_SPLIT_OPTIONS.chunkOverlap, Math.floor(chunkSize / 4));
  if (!(chunkSize > 0 && maxChars >= chunkSize && chunkOverlap >= 0 && chunkOverlap < chunkSize)) {
    throw new HelplineError(
      'CONFIG_INVALID',
      `Invalid split options (maxChars ${maxChars}, chunkSize ${chunkSize}, chunkOverlap ${chunkOverlap}): ` +
        'need maxChars >= chunkSize > chunkOverlap >= 0.',
    );
  }
  return { chunkSize, maxChars, chunkOverlap };
}
