/**
 * The reply language: the language the employee writes in, which is not the script with the most
 * characters. A Chinese writer pastes English error messages, URLs, file and host names and product
 * names ("VPN 连不上，报错 GlobalProtect gateway vpn.example.com returned error code 403 forbidden")
 * and is still writing Chinese; an English writer names a colleague or a Chinese term ("Please ask
 * 王伟 to approve my leave", "manual 补卡 works") and is still writing English.
 *
 * So only the natural-language part counts: URLs, emails, paths, host and file names, code, quoted
 * text and text pasted after an error label (报错 / 提示 / 显示 / "error:") are taken out, and so
 * are product names and acronyms (GlobalProtect, VPN, ERP), which both languages use alike. What is
 * left is weighed in words: Han characters (about HAN_PER_WORD to a word) against English words.
 * A short Chinese run with no grammar in it (a name, a term) weighs less than Chinese a sentence is
 * written in ("连不上", "我的…坏了").
 */
import type { Lang } from '../knowledge/types.ts';

/** Han characters per word of Chinese text (jieba averages about 1.6 on HR and IT messages). */
const HAN_PER_WORD = 1.6;
/** Chinese that is a name or a term inside an English sentence: this share of its words. */
const TERM_WEIGHT = 0.5;
/** A term is at most this many Han characters, in one run, with no grammar characters. */
const TERM_MAX_HAN = 4;
/**
 * Chinese words above this share of the natural-language words make the reply Chinese. Under a half
 * on purpose: a Chinese writer mixes in English words much more often than an English writer mixes
 * in Chinese ones, and a Chinese question answered in English is the worse mistake.
 */
const ZH_SHARE = 0.3;

const HAN = /\p{Script=Han}/gu;
/** Function characters of Chinese grammar: their presence means a sentence, not a borrowed term. */
const GRAMMAR = /[我你他她它们的了吗呢吧啊呀是不没有在和就也都还要会能可请帮怎么什哪为给把被让过着]/u;
/** Letters of a URL or path up to a space, Han text or CJK punctuation. */
const TAIL = String.raw`[^\s\p{Script=Han}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]`;

/** Text that is no one's own words, in the order it is taken out. */
const NOT_PROSE: RegExp[] = [
  /```[\s\S]*?```/g,
  /`[^`\n]*`/g,
  new RegExp(String.raw`\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)${TAIL}+`, 'giu'),
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g,
  new RegExp(String.raw`(?<![\w])(?:[A-Za-z]:\\|~?\/)${TAIL}+`, 'gu'),
  // Host and file names: vpn.example.com, net.js, HL-1042.
  /\b[\w-]+(?:\.[\w-]+)+\b|\b[A-Za-z]+-\d[\w-]*/g,
  // Quoted text: what a screen or a person said, in either language.
  /"[^"\n]{0,400}"|“[^”\n]{0,400}”|「[^」\n]{0,400}」|『[^』\n]{0,400}』|‘[^’\n]{0,400}’/g,
  /(?<![\p{L}\p{N}])'[^'\n]{1,400}'(?![\p{L}\p{N}])/gu,
  // Latin text pasted after a Chinese error label, or after a colon that follows Chinese, up to the
  // next Chinese character or line: "报错 … returned error code 403", "日志：Connection reset".
  /(?<=(?:报错|错误(?:信息|提示|码|代码)?|提示(?:信息)?|显示|弹出|弹窗|日志|返回|出现|写着|报)\s*[:：，,]?\s*)[^\p{Script=Han}\n]+/gu,
  /(?<=\p{Script=Han}\s*[:：]\s*)[^\p{Script=Han}\n]+/gu,
  /(?<![A-Za-z])(?:error|exception|errmsg|traceback|stack trace)\s*[:：][^\p{Script=Han}\n]*/giu,
];

/** An English word; acronyms (VPN, ERP, HR) and product names (GlobalProtect, iPhone) are not counted. */
const WORD = /[A-Za-z]+(?:['’][A-Za-z]+)*/g;
const NAME_LIKE = /^(?:[A-Z]{2,}s?|\p{L}*[a-z]\p{Lu}\p{L}*|[A-Z]\w*\d\w*)$/u;

/** The employee's own words: `text` without what was pasted, quoted or named (see NOT_PROSE). */
export function naturalText(text: string): string {
  return NOT_PROSE.reduce((t, re) => t.replace(re, ' '), text);
}

/**
 * Chinese or English, for replying to `text`. With no words at all (emoji, numbers) it is
 * `fallback`; when every word was pasted or quoted, the pasted text decides.
 */
export function detectLang(text: string, fallback: Lang = 'en'): Lang {
  return weigh(naturalText(text)) ?? weigh(text) ?? fallback;
}

function weigh(text: string): Lang | undefined {
  const han = text.match(HAN)?.length ?? 0;
  const words = (text.match(WORD) ?? []).filter((w) => !NAME_LIKE.test(w)).length;
  if (han === 0 && words === 0) return undefined;
  if (han === 0) return 'en';
  if (words === 0) return 'zh';
  const runs = text.match(/\p{Script=Han}+/gu) ?? [];
  const term = runs.length === 1 && han <= TERM_MAX_HAN && !GRAMMAR.test(runs[0]);
  const zhWords = (han / HAN_PER_WORD) * (term ? TERM_WEIGHT : 1);
  return zhWords / (zhWords + words) >= ZH_SHARE ? 'zh' : 'en';
}
