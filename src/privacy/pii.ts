/**
 * Finds and masks personal data in free text: Chinese resident ID numbers (checksum-verified),
 * bank card numbers (Luhn-verified), phone numbers, emails, and amounts of pay (money next to a
 * payroll word). Verification keeps order numbers,
 * dates and amounts from being masked by mistake.
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

const PATTERNS: {
  kind: PiiKind;
  re: RegExp;
  accept?: (value: string, text: string, start: number) => boolean;
}[] = [
  { kind: 'email', re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
  { kind: 'cn_id', re: /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g, accept: isChineseId },
  {
    kind: 'bank_card',
    re: /(?<![\dA-Za-z])(?:\d{4}[ -]?){3,4}\d{1,4}(?![\dA-Za-z])/g,
    accept: (v) => {
      const d = v.replace(/\D/g, '');
      return d.length >= 15 && d.length <= 19 && /^[3-6]/.test(d) && passesLuhn(d);
    },
  },
  { kind: 'phone', re: /(?<![\dA-Za-z])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![\dA-Za-z])/g },
  { kind: 'phone', re: /(?<![\dA-Za-z])\+\d{1,3}[ -]?\(?\d{1,4}\)?(?:[ -]?\d{2,4}){2,4}(?![\dA-Za-z])/g },
  { kind: 'salary', re: MONEY, accept: (_v, text, start) => nearPayWord(text, start) },
];

export function findPii(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  for (const { kind, re, accept } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (accept && !accept(m[0], text, start)) continue;
      if (kind === 'salary' && /^\d{4}$/.test(m[0]) && /^(19|20)\d\d$/.test(m[0])) continue;
      if (found.some((f) => start < f.end && end > f.start)) continue;
      found.push({ kind, start, end, value: m[0] });
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
        : `[${LABEL[m.kind]} ••••${m.value.replace(/[\s()+-]/g, '').slice(-4)}]`;
    at = m.end;
  }
  return out + text.slice(at);
}
