import { detectLang as detectTextLang } from '../knowledge/ingest/detect-lang.ts';
import type { Lang } from '../knowledge/types.ts';

/**
 * The reply language: Chinese when Han characters are a fair share of the letters ("VPN 连不上"),
 * English when a Chinese word sits in an English sentence ("manual 补卡 works").
 */
export function detectLang(text: string): Lang {
  return detectTextLang(text);
}
