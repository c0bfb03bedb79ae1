/**
 * Finds and masks personal data in free text: Chinese resident ID numbers, bank card numbers, phone
 * numbers, emails, and amounts of pay (money next to a payroll word or after a verb of paying).
 *
 * People mistype digits, and a mistyped ID or card is still theirs: an 18-character number shaped
 * like an ID (province code, a real birth date) is masked whatever its check digit, and so is a
 * 16–19-digit number right after a card label ("工资卡", "card number") or starting with 62
 * (UnionPay). Checksums (ID check digit, Luhn) decide only for bare, unlabelled digit runs, where a
 * false positive would hide an order or ticket number.
 */

export type PiiKind = 'cn_id' | 'bank_card' | 'phone' | 'email' | 'salary';

export interface PiiMatch {
  kind: PiiKind;
  start: number;
  end: number;
  value: string;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function isChineseId(s: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(s)) return false;
  const month = Number(s.slice(10, 12));
  const day = Number(s.slice(12, 14));
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11] === s[17].toUpperCase();
}

/** First two digits of a resident ID: the province-level region (GB/T 2260), Taiwan, Hong Kong, Macao. */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82, 83,
]);

/**
 * An 18-character number with the shape of a resident ID: a province code, a birth date that exists
 * (1900–2099), a 3-digit sequence and a digit or X; the check digit is not looked at. Order numbers
 * ("202611220000123456") start with a year, which is no province code.
 */
export function looksLikeChineseId(s: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(s) || !PROVINCES.has(Number(s.slice(0, 2)))) return false;
  const year = Number(s.slice(6, 10));
  const month = Number(s.slice(10, 12));
  const day = Number(s.slice(12, 14));
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * An amount of money: a currency sign or word, or a 万/k multiplier, or a plain number of 4+ digits.
 * Whether it is someone's pay is decided by the words around it (nearPayWord).
 */
const MONEY =
  /(?:[¥￥$€£]\s?|(?:RMB|CNY|USD|HKD|SGD)\s?)\d[\d,]*(?:\.\d+)?(?:\s?[万千kK])?|(?<![\d.,-])\d[\d,]*(?:\.\d+)?\s?(?:万|千|[kK](?![a-zA-Z])|元|块|(?:RMB|CNY|USD|yuan|dollars?)\b)|(?<![\d.,/:-])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d/:-])|(?<![\d.,/:-])\d{4,6}(?:\.\d{1,2})?(?![\d/:%-])/g;
const PAY_WORDS =
  /工资|薪资|薪水|月薪|年薪|底薪|基本工资|奖金|绩效|税前|税后|到手|实发|应发|少发|多扣|补发|加班费|salary|salaries|\bpay\b|paid|payslip|pay stub|wage|bonus|compensation|gross|net pay|take-home|overtime pay/i;
/** Pay words count within this many characters before or after the amount. */
const PAY_WINDOW = 16;

function nearPayWord(text: string, start: number): boolean {
  const around = text.slice(Math.max(0, start - PAY_WINDOW), start + PAY_WINDOW + 12);
  // Dates and years next to the number are not pay ("2026年", "10日").
  return PAY_WORDS.test(around);
}

/**
 * A verb of paying right before the amount. Said of money on a helpline for HR and payroll, "只发了
 * 20000", "少发了 2000", "到账 8500" is someone's pay, however far the word 工资 is; "发了" and
 * "received" are pay only when the text is about pay at all ("我的工资应该是 23000，这个月只发了 20000"
 * has 工资 19 characters away, beyond PAY_WINDOW).
 */
const PAID_BEFORE =
  /(?:只发|少发|多发|实发|应发|补发|到账|入账|到手|扣了|(?<![A-Za-z])(?:only got|got only|was paid|were paid))(?:了|的|才|只有|就|是|为)?\s*[:：]?\s*$/i;
const PAID_IF_ABOUT_PAY =
  /(?:发了|发放|打款|(?<![A-Za-z])(?:received|credited|deposited|got))(?:了|的|才|只有|就|是|为)?\s*[:：]?\s*$/i;
const ABOUT_PAY = new RegExp(`${PAY_WORDS.source}|薪|发薪|工资条|payroll|payday`, 'i');
/** How far back a verb of paying may start ("只发了才", spaces, a colon). */
const VERB_REACH = 10;

function afterPayVerb(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - VERB_REACH), start);
  return PAID_BEFORE.test(before) || (PAID_IF_ABOUT_PAY.test(before) && ABOUT_PAY.test(text));
}

/**
 * Full-width forms (０-９, Ｘ, －, ＠, letters, the ideographic space) as their ASCII twins. Each is one
 * UTF-16 unit, so offsets in the normalized text are offsets in the original.
 */
export function halfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e\u3000]/g, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}

const isCard = (digits: string) => /^\d{15,19}$/.test(digits) && /^[3-6]/.test(digits) && passesLuhn(digits);
/** UnionPay cards (most Chinese bank and salary cards) start with 62: a card whatever Luhn says. */
const isUnionPay = (digits: string) => /^62\d{14,17}$/.test(digits);

/**
 * A card or account label right before a number: "卡号", "银行卡", "工资卡：", "card number is",
 * "account no.". A 16–19-digit number after one is a card number whatever Luhn says.
 */
const CARD_LABEL =
  /(?:卡号|银行卡|工资卡|储蓄卡|借记卡|信用卡|银行账[号户]|账号|账户|(?<![A-Za-z])(?:card|account))(?:\s*(?:号码|号|number|no\.?|num\.?|#))?\s*(?:是|为|is|[:：#=])?\s*$/i;
/** How far back a label may start (its longest form and the spaces around it). */
const LABEL_REACH = 24;
const labelledCard = (text: string, start: number) =>
  CARD_LABEL.test(text.slice(Math.max(0, start - LABEL_REACH), start));

/**
 * Digits written in groups separated by one space or dash ("110105 19491231 002X",
 * "6222-0212-3456-7890-128"), or in one piece. Every span of consecutive groups is a candidate ID
 * (checksum or ID shape) or card (Luhn, UnionPay prefix, or after a card label), longest first, so
 * a number written next to another ("6222021234567890128 100") is still found. Groups of a split
 * number have 3+ digits (the last may be shorter: "… 3100 2X"), as people write them, which keeps
 * lists of small numbers from being joined into a card.
 */
const DIGIT_RUN = /(?<![\dA-Za-z])\d+[Xx]?(?:[ -]\d+[Xx]?)*(?![\dA-Za-z])/g;

const MAX_NUMBER_CHARS = 19;

function findNumbers(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  for (const run of text.matchAll(DIGIT_RUN)) {
    const groups = [...run[0].matchAll(/\d+[Xx]?/g)].map((g) => ({
      text: g[0],
      start: (run.index ?? 0) + (g.index ?? 0),
    }));
    for (let i = 0; i < groups.length; i++) {
      const labelled = labelledCard(text, groups[i].start);
      // No ID or card is longer than 19 characters: spans stop there, so a pasted table of numbers
      // costs linear time, not cubic.
      let last = i;
      for (let n = groups[i].text.length; last + 1 < groups.length; last++) {
        n += groups[last + 1].text.length;
        if (n > MAX_NUMBER_CHARS) break;
      }
      for (let j = last; j >= i; j--) {
        const span = groups.slice(i, j + 1);
        if (span.slice(0, -1).some((g) => g.text.length < 3)) continue;
        const joined = span.map((g) => g.text).join('');
        const kind: PiiKind | undefined =
          isChineseId(joined) || looksLikeChineseId(joined)
            ? 'cn_id'
            : isCard(joined) || isUnionPay(joined) || (labelled && /^\d{16,19}$/.test(joined))
              ? 'bank_card'
              : undefined;
        if (!kind) continue;
        const start = groups[i].start;
        const end = groups[j].start + groups[j].text.length;
        found.push({ kind, start, end, value: text.slice(start, end) });
        i = j;
        break;
      }
    }
  }
  return found;
}

const PATTERNS: {
  kind: PiiKind;
  re: RegExp;
  accept?: (value: string, text: string, start: number) => boolean;
}[] = [
  { kind: 'phone', re: /(?<![\dA-Za-z])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![\dA-Za-z])/g },
  { kind: 'phone', re: /(?<![\dA-Za-z])\+\d{1,3}[ -]?\(?\d{1,4}\)?(?:[ -]?\d{2,4}){2,4}(?![\dA-Za-z])/g },
  {
    kind: 'salary',
    re: MONEY,
    accept: (_v, text, start) => nearPayWord(text, start) || afterPayVerb(text, start),
  },
];
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * Every piece of personal data in `text`, in order and without overlaps; full-width digits and
 * letters count as their ASCII forms. `value` is the text as written.
 */
export function findPii(text: string): PiiMatch[] {
  const norm = halfWidth(text);
  const found: PiiMatch[] = [];
  const add = (m: Omit<PiiMatch, 'value'>) => {
    if (found.some((f) => m.start < f.end && m.end > f.start)) return;
    found.push({ ...m, value: text.slice(m.start, m.end) });
  };
  for (const m of norm.matchAll(EMAIL))
    add({ kind: 'email', start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  for (const m of findNumbers(norm)) add(m);
  for (const { kind, re, accept } of PATTERNS) {
    for (const m of norm.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (accept && !accept(m[0], norm, start)) continue;
      // "2026" near 工资 is a year, but "少发了 2000" is money.
      if (kind === 'salary' && /^(19|20)\d\d$/.test(m[0]) && !afterPayVerb(norm, start)) continue;
      add({ kind, start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

const LABEL: Record<PiiKind, string> = {
  cn_id: 'ID',
  bank_card: 'CARD',
  phone: 'PHONE',
  email: 'EMAIL',
  salary: 'SALARY',
};

/** Keeps the last 4 characters so people can still tell two masked values apart. */
export function maskPii(text: string): string {
  let out = '';
  let at = 0;
  for (const m of findPii(text)) {
    out += text.slice(at, m.start);
    out +=
      m.kind === 'email' || m.kind === 'salary'
        ? `[${LABEL[m.kind]}]`
        : `[${LABEL[m.kind]} ••••${halfWidth(m.value)
            .replace(/[\s()+-]/g, '')
            .slice(-4)}]`;
    at = m.end;
  }
  return out + text.slice(at);
}
