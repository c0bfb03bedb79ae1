/**
 * Counts in a message and what they count: "两千多人", "~3k users", "1,136笔", "四十几个人",
 * "at least six departments", "all 4 entities", "a few hundred people", "七八个部门", "20-30 ppl",
 * "team of 6". Scope is read from these (DESIGN §3: how many people, sites or departments), so the
 * parser knows vague and approximate quantities in both languages (几/上/数 + 百/千, 十几, k, ranges)
 * and skips what only looks like a count (times, dates, money, percentages, durations, error codes).
 */

/** What a count counts. `big_unit`: offices, cities, entities, departments, regions; `small_unit`: stores, teams, floors. */
export type CountKind = 'people' | 'accounts' | 'devices' | 'records' | 'big_unit' | 'small_unit' | 'other';

export interface Count {
  value: number;
  kind: CountKind;
  /** The number as written, with its noun when there is one ("两千多人", "~3k users"). */
  text: string;
  /** Offset in the normalized text. */
  index: number;
  /** Written as approximate or as a floor ("约", "~", "多", "at least", "几百"). */
  approx: boolean;
}

const ZH_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const ZH_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/** Value of a Chinese numeral such as 三十, 十二, 两百, 一千五; NaN when it is not one. */
export function parseChineseNumber(s: string): number {
  let total = 0;
  let section = 0;
  let digit = -1;
  for (const ch of s) {
    if (ch in ZH_DIGITS) {
      digit = ZH_DIGITS[ch];
    } else if (ch in ZH_UNITS) {
      const unit = ZH_UNITS[ch];
      if (unit === 10000) {
        total = (total + section + Math.max(digit, 0)) * unit;
        section = 0;
      } else {
        section += (digit < 0 ? 1 : digit) * unit;
      }
      digit = -1;
    } else {
      return Number.NaN;
    }
  }
  // 一千五 = 1500, 两万三 = 23000: a trailing digit after a unit scales to the next lower unit.
  if (digit > 0 && /[百千万][一二两三四五六七八九]$/.test(s)) {
    const last = s[s.length - 2];
    return total + section + digit * (ZH_UNITS[last] / 10);
  }
  return total + section + Math.max(digit, 0);
}

const EN_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
  dozen: 12,
};

// Nouns a count may count. Chinese classifiers 名/位 count people by themselves.
const PEOPLE_ZH =
  '(?:人(?!主体)|员工|同事|新人|新员工|工人|店员|司机|实习生|坐席|销售|人员|用户|下属|学员|职工|外包|伙伴|家庭|员)';
const ACCOUNTS_ZH = '(?:账号|帐号|账户|邮箱)';
const DEVICES_ZH = '(?:电脑|笔记本|台式机|手机|设备|机器|打卡机|考勤机|门禁|服务器)';
const RECORDS_ZH = '(?:条|笔|单|份|张|申请|工资条|记录|数据)';
// A unit word that starts a word for people (店员, 组长, 部长) is the people word.
const BIG_UNITS_ZH =
  '(?:分公司|子公司|法人主体|法人|主体|公司|城市|地区|区域|大区|国家|省|园区|办公室|基地|工厂|厂|厂区|部门|事业部|中心|分行|地)(?![员长])';
const SMALL_UNITS_ZH = '(?:门店|店|团队|组|楼层|层|车间|产线|班组|仓库|仓|小组|科室|网点)(?![员长])';

const PEOPLE_EN =
  '(?:people|ppl|persons|person|employees|employee|staff|staffers|workers|users|colleagues|members|reps|agents|joiners|hires|interns|contractors|managers|drivers|engineers|folks|guys|grads|graduates|teammates|heads|seats|starters|leavers|associates|nurses|cashiers|technicians|analysts|directs|direct reports|reports|us|of us|them|individuals|recipients|payees|new starters|newcomers)';
const ACCOUNTS_EN = '(?:accounts?|accts?|logins?|mailboxes|inboxes|credentials)';
const DEVICES_EN =
  '(?:laptops?|machines?|computers?|devices?|pcs|desktops?|phones?|kiosks?|terminals?|servers?|macs?)';
const RECORDS_EN =
  '(?:records?|rows?|entries|payslips?|paystubs?|transactions?|payments?|claims?|requests?|tickets?|files?|timesheets?|approvals?|forms?|orders?)';
const BIG_UNITS_EN =
  '(?:offices?|sites?|entities|entity|cities|city|countries|country|regions?|branches|branch|subsidiaries|campuses|campus|plants?|factories|locations?|tenants?|departments?|depts?|divisions?|business units?|bus|legal entities|companies|markets?|states|provinces|hubs?|warehouses?)';
const SMALL_UNITS_EN =
  '(?:stores?|shops?|teams?|floors?|workshops?|lines?|shifts?|squads?|pods?|restaurants?|outlets?|sub-?branch(?:es)?|clinics?)';

// A number, in any of its written forms. Groups: 1 digits (with , or . and an optional k/K, 千/万
// multiplier), 2 Chinese numeral or vague quantity, 3 English number words.
const NUMBER = new RegExp(
  [
    // 1,136 / 4,500 / 1.1k / 3k / 2.5万 / 20-30 / 1200
    String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*[-–~到至]\s*\d+(?:,\d{3})*)?\s*(k(?![a-z])|thousand|hundred|千|万|百)?`,
    // 两千多 / 几百 / 好几百 / 上千 / 数十 / 二十几 / 七八 / 十几 / 三十多
    '((?:好|上|数|近|成|几)?[零〇一二两三四五六七八九十百千万几]+)',
    // a dozen / dozens / a few hundred / several thousand / hundreds / six / twenty-five
    String.raw`\b((?:a |one |two |three |several |a few |a couple(?: of)? |many )?(?:hundreds|thousands|dozens)|(?:a |several |a few |a couple(?: of)? |(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ]?)?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen) |(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety) )(?:hundred|thousand)|a dozen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b`,
  ].join('|'),
  'gu',
);

const APPROX_BEFORE =
  /(?:~|≈|约|大约|大概|差不多|将近|接近|近|超过|至少|起码|逾|\b(?:about|around|roughly|approx\.?|approximately|nearly|almost|over|more than|at least|some|upwards of|like|~ ?))\s*$/u;
// Things a number is not a count of people or places in.
const NOT_A_COUNT_AFTER = new RegExp(
  [
    String.raw`^\s*(?:%|％|percent|\s*x\b)`,
    String.raw`^\s*(?:[:：]\d)`,
    String.raw`^(?:st|nd|rd|th)\b`,
    String.raw`^\s*(?:年|月|日|号(?!人)|点|时|分钟|分|秒|小时|天|周|个月|个工作日|岁|倍|次|遍|块|元|刀|美元|欧|k?rmb|yuan|usd|dollars?|bucks|eur|gbp|sgd|hkd|ms|s\b|sec|secs|seconds?|mins?|minutes?|h\b|hrs?|hours?|days?|weeks?|months?|years?|yrs?|am|pm|times|rps|qps|gb|mb|kb|tb|楼|f\b|级|期|版|寸)`,
  ].join('|'),
  'u',
);
const MONEY_BEFORE = /(?:\$|¥|￥|€|£|rmb|cny|usd|sgd|hkd|eur|gbp|inr)\s*$/u;

interface NounRule {
  kind: CountKind;
  re: RegExp;
}
// What follows the number: optional classifier, then up to two descriptive words, then the noun.
const CLASSIFIER_ZH = '(?:多|余|来|几|\\+)?\\s*(?:个|名|位|家|台|条|笔|号|只|间|座|处|层|支|份|张|单)?';
const FILLER_ZH = '(?:[\\p{Script=Han}]{0,4}?)';
const FILLER_EN =
  "(?:个|名|位|家|台|条)?\\s*(?:of\\s+(?:our|the|my|their|those|these)\\s+)?(?:[a-z][\\w&'-]*\\s+){0,2}?";
const NOUNS: NounRule[] = [
  {
    kind: 'people',
    re: new RegExp(
      `^(?:\\+|多|余|来)?\\s*(?:名|位)|^${CLASSIFIER_ZH}\\s*${FILLER_ZH}${PEOPLE_ZH}|^(?:\\+)?${FILLER_EN}${PEOPLE_EN}\\b`,
      'u',
    ),
  },
  {
    kind: 'accounts',
    re: new RegExp(
      `^${CLASSIFIER_ZH}\\s*${FILLER_ZH}${ACCOUNTS_ZH}|^(?:\\+)?${FILLER_EN}${ACCOUNTS_EN}\\b`,
      'u',
    ),
  },
  {
    kind: 'big_unit',
    re: new RegExp(
      `^${CLASSIFIER_ZH}\\s*${FILLER_ZH}${BIG_UNITS_ZH}|^(?:\\+)?${FILLER_EN}${BIG_UNITS_EN}\\b`,
      'u',
    ),
  },
  {
    kind: 'small_unit',
    re: new RegExp(
      `^${CLASSIFIER_ZH}\\s*${FILLER_ZH}${SMALL_UNITS_ZH}|^(?:\\+)?${FILLER_EN}${SMALL_UNITS_EN}\\b`,
      'u',
    ),
  },
  {
    kind: 'devices',
    re: new RegExp(
      `^(?:多|余)?\\s*台|^${CLASSIFIER_ZH}\\s*${FILLER_ZH}${DEVICES_ZH}|^(?:\\+)?${FILLER_EN}${DEVICES_EN}\\b`,
      'u',
    ),
  },
  {
    kind: 'records',
    re: new RegExp(
      `^${CLASSIFIER_ZH}\\s*${FILLER_ZH}${RECORDS_ZH}|^(?:\\+)?${FILLER_EN}${RECORDS_EN}\\b`,
      'u',
    ),
  },
];
// "team of 6", "a crew of 40", "my team (12)", "(9 people)": the noun comes before the number.
const PEOPLE_BEFORE =
  /(?:\b(?:team|group|crew|staff|department|office|site|plant|shift|cohort|class|batch) of|\b(?:team|group|department|org|office|site|plant|shift|cohort)s?\s*\(|团队|组|部门|全体|涉及|共|总共|一共|合计|\baffected:?|\bimpacted:?|(?:被锁|锁住|锁定|受影响|影响到|中招|登不上|进不去)的?(?:有|了)?)\s*(?:约|大约|about|around|~)?\s*$/u;
// Payments (笔) and payslips stand for the people paid.
const PAID_RECORDS =
  /^\s*(?:多|余)?\s*(?:笔|份工资条|张工资条)|^\s*(?:\+\s*)?(?:payslips?|paystubs?|payments?|paychecks?|salary payments?)\b/u;

function valueOfWords(words: string): number {
  const w = words.trim();
  const scale = /thousand/.test(w) ? 1000 : /hundred/.test(w) ? 100 : /dozen/.test(w) ? 12 : 1;
  if (/^(?:hundreds|thousands|dozens)$/.test(w)) return scale * 2;
  const lead = /^(a few|a couple(?: of)?|several|many|a)\b/.exec(w)?.[1];
  if (lead && scale > 1) {
    const n = lead === 'a' ? 1 : lead.startsWith('a couple') ? 2 : 3;
    return /s$/.test(w) ? n * scale * 2 : n * scale;
  }
  // "fourteen hundred", "twenty-five thousand", "one hundred": the number words times the scale.
  if (scale > 1) {
    const n = w
      .replace(/\s*(?:hundreds?|thousands?|dozens?)$/, '')
      .split(/[- ]/)
      .reduce((sum, p) => sum + (EN_NUMBERS[p] ?? 0), 0);
    return /s$/.test(w) ? Math.max(n, 1) * scale * 2 : Math.max(n, 1) * scale;
  }
  const parts = w.split(/[- ]/);
  return parts.reduce((sum, p) => sum + (EN_NUMBERS[p] ?? 0), 0);
}

/** Value of a Chinese or vague Chinese quantity: 两千多 2000, 几百 300, 上百 100, 十几 15, 七八 8. */
function valueOfZh(s: string): { value: number; approx: boolean } {
  let t = s;
  let approx = false;
  let times = 1;
  if (/^[好上数近成]/.test(t)) {
    approx = true;
    // 数百 / 数千: several hundred or thousand; 上百 / 成千: at least a hundred or a thousand.
    if (t[0] === '数') times = 3;
    t = t.slice(1);
  }
  if (t.includes('几')) {
    approx = true;
    // 几百 / 好几百 → 300, 几千 → 3000, 几十 → 30, 十几 → 15, 二十几 → 25, 几 → 3
    if (/^几[十百千万]$/.test(t)) return { value: 3 * ZH_UNITS[t[1]], approx };
    if (/^(.+)几$/.test(t)) return { value: parseChineseNumber(t.slice(0, -1)) + 5, approx };
    return { value: 3, approx };
  }
  if (/^[十百千万]$/.test(t) && approx) return { value: times * ZH_UNITS[t], approx };
  // 七八 / 三四 / 二三十 (neighbouring digits: a range) → the upper end
  const pair = /^([一二三四五六七八九])([一二三四五六七八九])([十百千万]?)$/.exec(t);
  if (pair && ZH_DIGITS[pair[2]] === ZH_DIGITS[pair[1]] + 1) {
    return { value: ZH_DIGITS[pair[2]] * (pair[3] ? ZH_UNITS[pair[3]] : 1), approx: true };
  }
  return { value: parseChineseNumber(t), approx };
}

let lastOf: string | undefined;
let lastCounts: Count[] = [];

/** Every count in a normalized (NFKC, lowercased) message, in order of appearance. */
export function findCounts(norm: string): Count[] {
  if (norm === lastOf) return lastCounts;
  const out: Count[] = [];
  lastOf = norm;
  lastCounts = out;
  if (
    !/[\d零〇一二两三四五六七八九十百千万几]|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen)/u.test(
      norm,
    )
  )
    return out;
  for (const m of norm.matchAll(NUMBER)) {
    const [whole, digits, multiplier, zh, words] = m;
    const start = m.index;
    const end = start + whole.length;
    const before = norm.slice(Math.max(0, start - 16), start);
    const after = norm.slice(end, end + 40);
    let value: number;
    let approx = APPROX_BEFORE.test(before);
    if (digits !== undefined) {
      // The tail of a time (8:55), a version (2.5.1), an id (a20317, 0x8018) or a date (2024-11).
      if (/[\d:.#/a-z]$/u.test(before) || /^[:/.]\d/.test(after)) continue;
      if (MONEY_BEFORE.test(before)) continue;
      // Seven or more digits written plainly are a number that names something — a phone, an ID or
      // card number, an order — not a head count (which would be written 12,000 or 1.2万).
      if (/^\d{7,}/.test(digits) && !multiplier) continue;
      value = Number(digits.replace(/,/g, ''));
      const range = /[-–~到至]\s*(\d+(?:,\d{3})*)/.exec(whole);
      if (range) value = Math.max(value, Number(range[1].replace(/,/g, '')));
      if (multiplier) {
        value *=
          { k: 1000, thousand: 1000, hundred: 100, 千: 1000, 万: 10000, 百: 100 }[multiplier.trim()] ?? 1;
      }
      if (/^\s*(?:\+|多|余|来)/.test(after)) approx = true;
    } else if (zh !== undefined) {
      // A lone 一 / 万 / 十 is a word (一直, 万一, 十分), not a count.
      if (/^[一万十千百]$/.test(zh) || /^[近成]$/.test(zh) || zh === '几') {
        if (zh !== '几' || !/^\s*(?:个|位|名|家)/.test(after)) continue;
      }
      // An ordinal or a name, not a count: 第三次, 周三, 二车间, 三楼.
      if (/(?:第|周|星期|礼拜|初|高|大)$/u.test(before)) continue;
      if (
        !/^\s*(?:多|余|来)?\s*(?:个|家|座|所|处|间|层)|^地/u.test(after) &&
        /^\s*[\p{Script=Han}]{0,2}?(?:车间|楼|部|区|组|号线|班)/u.test(after)
      )
        continue;
      const parsed = valueOfZh(zh);
      value = parsed.value;
      approx ||= parsed.approx || /^(?:多|余|来)/.test(after);
    } else {
      value = valueOfWords(words ?? '');
      approx ||= /hundreds|thousands|dozens|several|few|couple/.test(words ?? '');
    }
    if (!Number.isFinite(value) || value <= 0) continue;
    if (NOT_A_COUNT_AFTER.test(after)) continue;
    let kind: CountKind = 'other';
    let nounText = '';
    if (PAID_RECORDS.test(after)) {
      kind = 'people';
      nounText = PAID_RECORDS.exec(after)?.[0] ?? '';
    } else {
      // Chinese: the nearest noun wins ("三地同事" counts places). English: the head of a compound
      // is its last noun ("20 of the warehouse staff" counts people).
      const english = /^\s*[a-z]/.test(after);
      for (const rule of NOUNS) {
        const n = rule.re.exec(after);
        if (
          n &&
          (nounText === '' || (english ? n[0].length > nounText.length : n[0].length < nounText.length))
        ) {
          kind = rule.kind;
          nounText = n[0];
        }
      }
    }
    if (kind === 'other' && PEOPLE_BEFORE.test(before)) kind = 'people';
    out.push({ value, kind, text: (whole + nounText).trim(), index: start, approx });
  }
  return out;
}

/** Magnitude bucket of a count: 1, 2-4, 5-19, 20-99, 100-999, 1000+. */
export function bucketNumber(n: number): string {
  if (!Number.isFinite(n)) return 'nan';
  if (n <= 1) return '1';
  if (n < 5) return '2-4';
  if (n < 20) return '5-19';
  if (n < 100) return '20-99';
  if (n < 1000) return '100-999';
  return '1000+';
}
