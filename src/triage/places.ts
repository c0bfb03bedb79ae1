/**
 * Named places and departments, and lists of them: "上海、深圳、成都三个office", "bj and sh offices",
 * "the Austin, Denver and Raleigh offices", "北京上海广州都有", "我们部门、财务部、法务部". Several
 * sites or departments named in a row is scope (DESIGN §3: many departments), unless the list is
 * what still works ("bj + sz fine"). Floors of one building named in a list ("3楼和5楼", "the 3rd and
 * 5th floors") are one site, which every labelled set puts at P1; a count of many floors ("all 22
 * floors") is still counted as units (counts.ts, scope-wide.ts).
 */

export type PlaceKind = 'city' | 'department' | 'unit';

export interface PlaceList {
  kind: PlaceKind;
  /** Distinct names in the list, as written. */
  names: string[];
  /** The list as written. */
  text: string;
  index: number;
}

// Cities, countries and common office nicknames. The gazetteer is what a Chinese or international
// company's offices are called; a list of two of them in a row is what matters, not any one name.
const CITIES_ZH =
  '北京|上海|广州|深圳|杭州|成都|武汉|西安|南京|苏州|天津|重庆|长沙|郑州|青岛|大连|厦门|宁波|合肥|济南|沈阳|哈尔滨|长春|昆明|贵阳|南宁|福州|石家庄|太原|南昌|无锡|东莞|佛山|珠海|昆山|常州|烟台|温州|嘉兴|绍兴|徐州|南通|泉州|惠州|中山|兰州|乌鲁木齐|呼和浩特|海口|三亚|香港|澳门|台北|新加坡|东京|大阪|首尔|悉尼|墨尔本|伦敦|巴黎|柏林|慕尼黑|法兰克福|都柏林|阿姆斯特丹|纽约|硅谷|旧金山|西雅图|多伦多|曼谷|雅加达|吉隆坡|马尼拉|胡志明|河内|班加罗尔|迪拜|华东|华南|华北|华中|西南|西北|东北';
const CITIES_EN =
  "beijing|shanghai|guangzhou|shenzhen|hangzhou|chengdu|wuhan|xi'?an|nanjing|suzhou|tianjin|chongqing|changsha|zhengzhou|qingdao|dalian|xiamen|ningbo|hefei|jinan|shenyang|kunshan|dongguan|foshan|zhuhai|wuxi|hong kong|hk|macau|taipei|singapore|sg|tokyo|osaka|seoul|sydney|melbourne|bangalore|bengaluru|mumbai|delhi|pune|hyderabad|chennai|manila|jakarta|bangkok|kuala lumpur|kl|ho chi minh|hanoi|london|manchester|paris|berlin|munich|frankfurt|dublin|amsterdam|madrid|barcelona|milan|zurich|stockholm|warsaw|prague|lisbon|new york|nyc|boston|chicago|austin|denver|raleigh|seattle|san francisco|los angeles|toronto|vancouver|montreal|mexico city|sao paulo|dubai|tel aviv|virginia|texas|california|canada|mexico|brazil|india|japan|korea|australia|germany|france|uk|ireland|usa|china|vietnam|philippines|malaysia|indonesia|thailand|bj|sh|sz|gz|hz|apac|emea|amer|latam";
const DEPTS_ZH =
  '研发|市场|财务|法务|人事|人力|销售|客服|供应链|运营|行政|技术|产品|采购|物流|生产|质量|品质|设计|工程|测试|审计|风控|安全|商务|仓储|仓库|后勤|总务|公关|培训|招聘|内审|售后|信息|it|hr';
const DEPTS_EN =
  'finance|hr|people ops|legal|sales|marketing|engineering|eng|r&d|ops|operations|cs|customer service|customer success|support|logistics|procurement|purchasing|product|supply chain|accounting|accounts payable|payroll|facilities|design|qa|manufacturing|compliance|treasury|tax|ap|ar|fp&a|audit|warehouse|recruiting|admin|security|it';

const SEP = String.raw`\s*(?:、|,|，|/|\+|&|和|与|跟|及|以及|还有|\band\b|\bor\b|\bplus\b|\s)?\s*`;
const CITY = `(?:${CITIES_ZH}|\\b(?:${CITIES_EN})\\b)`;
const DEPT_ZH = `(?:${DEPTS_ZH})(?:部门|部|中心|团队|组)?`;
const DEPT_EN = `\\b(?:${DEPTS_EN})\\b`;
const DEPT = `(?:我们部门|(?:${DEPT_ZH})|${DEPT_EN})`;

// A city may carry its site's suffix: "杭州仓宁波仓", "苏州厂、无锡厂".
const CITY_SITE = `${CITY}(?:仓|店|厂|分公司|办|园区|基地|中心)?`;
const CITY_LIST = new RegExp(`${CITY_SITE}(?:${SEP}${CITY_SITE})+`, 'gu');
// Departments in zh need the 部/中心 suffix or a list marker, or "研发市场" would be any compound.
const DEPT_LIST = new RegExp(
  `${DEPT}(?:\\s*(?:、|,|，|/|\\+|&|和|与|及|以及|\\band\\b|\\bor\\b)\\s*${DEPT})+`,
  'gu',
);
// Any names listed before a plural unit noun ("the Porto, Lagos and Nairobi sites", "3rd, 4th or 5th
// floor"), or after one ("buildings A, B and C"), and Chinese units each with its suffix
// ("采购部、质检部、仓储部", "一厂、二厂和三厂"): no gazetteer needed.
const UNIT_PLURAL_EN =
  '(?:offices|sites|plants|branches|warehouses|stores|shops|campuses|buildings|floors|factories|entities|regions|teams|departments|depts|hubs|locations|centers|centres|clinics|hospitals|schools|labs|studios|depots|branches|subsidiaries|countries|cities)';
const UNIT_ANY_EN = `(?:${UNIT_PLURAL_EN}|office|site|plant|branch|warehouse|store|campus|building|floor|factory|entity|region|team|department|hub|location|center|centre)`;
const NAME = "[a-z0-9][\\w'.&-]*";
const NAMES_BEFORE_UNIT = new RegExp(
  `\\b${NAME}(?:(?:\\s*,\\s*|\\s*/\\s*|\\s+(?:and|or|&|\\+)\\s+|\\s*,\\s*(?:and|or)\\s+)${NAME}){1,8}\\s+${UNIT_ANY_EN}\\b`,
  'gu',
);
const SINGULAR_UNIT_END =
  /\b(?:office|site|plant|branch|warehouse|store|campus|building|floor|factory|entity|region|team|department|hub|location|center|centre)$/u;
const UNIT_JUST_BEFORE = new RegExp(
  `\\b(?:${UNIT_ANY_EN}|block|tower|hall|level|wing|zone|room|unit)\\s+$`,
  'u',
);
const UNIT_JUST_AFTER = new RegExp(`^\\s*(?:${UNIT_ANY_EN}|block|tower|hall|level|wing|zone|room)\\b`, 'u');
// After the unit noun only identifiers count as names: "buildings A, B and C", "floors 3, 4 and 5".
const ID = '(?:[a-hj-z]|\\d{1,3}[a-z]?|\\d{1,3}(?:st|nd|rd|th)|[a-z]\\d{1,3})';
const UNIT_BEFORE_NAMES = new RegExp(
  `\\b(?:buildings|sites|offices|floors|plants|campuses|blocks|towers|halls|stores|warehouses|levels|wings|zones|building|site|office|floor|plant|block|tower|hall|store|warehouse|level|wing|zone)\\s+${ID}(?:(?:\\s*,\\s*|\\s+(?:and|or|&)\\s+|\\s*,\\s*(?:and|or)\\s+)${ID}){1,8}(?![\\w'-])`,
  'gu',
);
const ZH_UNIT =
  '(?:部|中心|分公司|子公司|工厂|厂|门店|店|园区|办公室|车间|仓库|大楼|楼|基地|分行|网点|事业部|项目组|组)';
const FLOOR_ZH = /^(?:\d{1,2}|[一二三四五六七八九十]{1,3})(?:楼|层)$/u;
const ZH_UNIT_LIST = new RegExp(
  `[\\p{Script=Han}A-Za-z0-9]{1,6}?${ZH_UNIT}(?:\\s*(?:、|,|，|/|和|与|及|以及|跟|还有)\\s*[\\p{Script=Han}A-Za-z0-9]{1,6}?${ZH_UNIT}){1,8}`,
  'gu',
);
// Buildings, plants or workshops named by a letter or number, each with its suffix and often no
// separator at all: "A栋B栋C栋", "1号楼、2号楼和3号楼", "一厂二厂三厂".
const ZH_ID_UNIT = '[a-z0-9一二三四五六七八九十]{1,3}(?:号楼|栋|座|号厂|厂|号车间|车间|号仓|仓)';
const ZH_ID_LIST = new RegExp(`${ZH_ID_UNIT}(?:\\s*(?:、|,|，|/|和|与|及|跟)?\\s*${ZH_ID_UNIT}){2,8}`, 'gu');
// People "in X, Y and Z": "folks in Dallas, Austin and Houston", "staff at Porto and Lagos".
// A name here may carry its unit noun: "engineering centre", "province HQ".
const PLACE_NAME = `${NAME}(?:\\s+(?:centre|center|office|team|plant|site|campus|hq|branch|dept|department|store|warehouse|hub))?`;
const PEOPLE_IN_NAMES = new RegExp(
  `\\b(?:people|folks|staff|colleagues|users|employees|everyone|everybody|nobody|no one|teams?|offices?|sites?|workers|guys|coworkers|co-workers|us|managers|leads|supervisors|admins|nurses|teachers|drivers|agents|engineers)\\b[^.!?]{0,20}?\\b(?:in|at|from|across)\\s+(?:the\\s+)?${PLACE_NAME}(?:\\s*,\\s*${PLACE_NAME}){0,8}\\s*,?\\s+(?:and|or|&|\\+)\\s+${PLACE_NAME}\\b`,
  'gu',
);
const NOT_PLACES =
  /^(?:the|our|my|all|both|and|or|other|some|few|many|these|those|their|his|her|its|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|morning|afternoon|evening|night|today|yesterday|tomorrow|week|month|year|payroll|workday|okta|sso|vpn|email|slack|teams|hr|it|finance|sales|leave|pay|time|work|home|person|office|site|team)$/u;
const LIST_SEP = /\s*(?:,|，|、|\/|\+|&|\band\b|\bor\b|和|与|及|以及|跟|还有)\s*/u;

// After a list: it is what still works, not what broke.
const FINE_AFTER =
  /^[^。.!！?？;；\n]{0,24}?(?:\bfine\b|\bok\b|\bokay\b|\bnormal(?:ly)?\b|\bunaffected\b|\bnot affected\b|\bwork(?:s|ing)? (?:fine|normally|ok)\b|\blook(?:s)? (?:fine|ok|good|normal)\b|\bare good\b|\bseem(?:s)? fine\b|\b(?:have|has|had) been paid\b|\bgot paid\b|好好的|正常|没问题|没事|不受影响|没受影响|都好|能用|可以用|都能)/u;
const EXCEPT_BEFORE =
  /(?:除了|除|\bexcept(?: for)?|\bother than|\bapart from|\bbesides|\bbut not|\bnot in)\s*(?:the\s*)?$/u;

function distinct(text: string, re: RegExp): string[] {
  const names = [...text.matchAll(re)].map((m) => m[0].trim());
  return [...new Set(names)];
}

const ONE_CITY = new RegExp(CITY, 'gu');
const ONE_DEPT = new RegExp(DEPT, 'gu');

/** Lists of two or more cities, three or more departments, or several sites, that are not "fine". */
export function findPlaceLists(norm: string): PlaceList[] {
  const out: PlaceList[] = [];
  const keep = (kind: PlaceKind, m: RegExpMatchArray, names: string[], min: number) => {
    const after = norm.slice(m.index! + m[0].length);
    const before = norm.slice(Math.max(0, m.index! - 12), m.index!);
    if (names.length < min || FINE_AFTER.test(after) || EXCEPT_BEFORE.test(before)) return;
    out.push({ kind, names, text: m[0].trim(), index: m.index! });
  };
  for (const m of norm.matchAll(CITY_LIST)) keep('city', m, distinct(m[0], ONE_CITY), 2);
  for (const m of norm.matchAll(DEPT_LIST)) keep('department', m, distinct(m[0], ONE_DEPT), 3);
  for (const re of [NAMES_BEFORE_UNIT, UNIT_BEFORE_NAMES]) {
    for (const m of norm.matchAll(re)) {
      if (out.some((l) => l.index <= m.index! && m.index! < l.index + l.text.length)) continue;
      // "building b, 3rd floor" is one address: the first name belongs to the unit before it.
      if (re === NAMES_BEFORE_UNIT && UNIT_JUST_BEFORE.test(norm.slice(Math.max(0, m.index! - 16), m.index)))
        continue;
      // "building b, 3rd floor": the last name is the next unit's ("3rd floor"), not a second building.
      if (re === UNIT_BEFORE_NAMES && UNIT_JUST_AFTER.test(norm.slice(m.index! + m[0].length))) continue;
      // "the 3rd, 4th and 5th floors", "floors 3, 4 and 5": one building's floors are one site.
      if (/\b(?:floors?|levels?)\b/u.test(m[0])) continue;
      // "after the MDM update, RM team can't…", "June payroll, Dhaka office": a clause ends at the
      // comma; a list before one (singular) unit is joined by "and"/"or", not by a comma alone.
      if (re === NAMES_BEFORE_UNIT && !/\b(?:and|or)\b|[&+/]/u.test(m[0]) && SINGULAR_UNIT_END.test(m[0]))
        continue;
      const names = m[0]
        .replace(
          new RegExp(
            `^${UNIT_ANY_EN}\\s+|\\s+${UNIT_ANY_EN}$|^(?:buildings?|blocks?|towers?|halls?|levels?|wings?|zones?)\\s+`,
            'u',
          ),
          '',
        )
        .split(LIST_SEP)
        .filter(
          (n) =>
            n &&
            !/^(?:the|our|my|all|both|and|or|other|some|few|many|these|those|two|three|several|their|his|her|its)$/.test(
              n,
            ),
        );
      keep('unit', m, [...new Set(names)], 2);
    }
  }
  for (const m of norm.matchAll(ZH_ID_LIST)) {
    if (out.some((l) => l.index <= m.index! && m.index! < l.index + l.text.length)) continue;
    keep('unit', m, [...new Set(m[0].match(new RegExp(ZH_ID_UNIT, 'gu')) ?? [])], 3);
  }
  for (const m of norm.matchAll(PEOPLE_IN_NAMES)) {
    const at = m[0].search(/\b(?:in|at|from|across)\s+/u);
    const names = m[0]
      .slice(at)
      .replace(/^(?:in|at|from|across)\s+(?:the\s+)?/u, '')
      .split(LIST_SEP)
      .filter((n) => n && !NOT_PLACES.test(n));
    if (names.length >= 2) keep('unit', m, [...new Set(names)], 2);
  }
  for (const m of norm.matchAll(ZH_UNIT_LIST)) {
    if (out.some((l) => l.index <= m.index! && m.index! < l.index + l.text.length)) continue;
    const names = [...new Set(m[0].split(LIST_SEP).filter(Boolean))];
    // "我排到了虹桥店，我是外滩店" is one person's two stores, not a list; "3楼和5楼" are floors of one building.
    if (names.some((n) => /[我你他她]/u.test(n)) || names.every((n) => FLOOR_ZH.test(n))) continue;
    // Departments in a row need three ("财务部和人事部" is two teams); sites and plants need two.
    keep('unit', m, names, names.every((n) => /部$/.test(n)) ? 3 : 2);
  }
  return out;
}
