import type { Lang } from '../types.ts';

/**
 * Share of Han characters among all letters above which a document counts as Chinese. Low on purpose:
 * one Han character carries about as much as a short English word, and Chinese HR/IT pages are full of
 * Latin product names (VPN, OA, HR Links) that would otherwise tip them to English.
 */
export const CJK_SHARE_FOR_ZH = 0.2;

/** `declared` (front matter `lang`) wins when it names a supported language; else count scripts. */
export function detectLang(text: string, declared?: unknown): Lang {
  const fromMeta = normalizeLang(declared);
  if (fromMeta) return fromMeta;
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  return letters > 0 && han / letters >= CJK_SHARE_FOR_ZH ? 'zh' : 'en';
}

/** Accepts the spellings people put in front matter: `zh`, `zh-CN`, `zh_Hans`, `cn`, `en-US`, `EN`. */
export function normalizeLang(value: unknown): Lang | undefined {
  if (typeof value !== 'string') return undefined;
  const base = value.trim().toLowerCase().split(/[-_]/)[0];
  if (['zh', 'cn', 'chi', 'zho', 'chinese', '中文'].includes(base)) return 'zh';
  if (['en', 'eng', 'english'].includes(base)) return 'en';
  return undefined;
}
