/**
 * Scope: who is affected, from the writer alone to the whole company (DESIGN §3). Read from
 * company-wide phrases, lists of sites or departments (places.ts), counts of people, accounts or
 * units (counts.ts), collective phrases ("everyone I asked", "most of the company", "远程办公的基本
 * 都"), and limiters ("only the Shanghai office", "其他分公司正常"). One scope signal is reported, the
 * widest that holds:
 *
 *   scope_company  the whole company, every office, all entities
 *   scope_wide     several sites, cities or departments, or hundreds of people
 *   scope_group    a team, department or site; scope_count: a count of 5+ people
 *   scope_few      two to four people
 *   scope_self     only the writer (others are fine), or nobody knows yet
 *   scope_unit     a unit is named, with nothing saying all of it is affected
 */
import { findCounts } from './counts.ts';
import { findPlaceLists } from './places.ts';
import { notAffected } from './scope-not-affected.ts';
import { wideEvidence } from './scope-wide.ts';
import { type DetectedSignal, wb } from './signal-types.ts';

// ---------------------------------------------------------------------------------------------
// Scope. Company-wide phrases first; a company phrase bound to a smaller unit becomes a group.

const UNIT_ZH =
  '(?:部门|事业部|中心|分公司|子公司|办公室|门店|店|工厂|厂|仓库|园区|校区|院区|酒店|基地|仓|车间|班组|产线|生产线|楼层|楼|组|团队|科室|部|区|分行|站点|项目组|office|site|hub|team)';
const UNIT_EN =
  '(?:team|department|dept|office|site|floor|branch|plant|warehouse|store|shift|squad|unit|division|entity|region|center|centre|building|campus|group|org|crew|line|pod|plan|program|scheme|cohort|class|batch)s?';

const COMPANY_ZH = wb(
  /全公司|整个公司|全集团|整个集团|全行(?!业)|全员|全体员工|所有员工|所有人|每个人|每个员工|人人|全国各地|各地|(?:各个?|多个|所有|好多|好几个|几个|跨)(?:部门|分公司|子公司|办公室|门店|工厂|园区|事业部|地区|城市|区域|法人|主体)/g,
);
const COMPANY_EN = wb(
  /\b(?:everyone(?! else)|everybody(?! else)|all (?:the )?(?:employees|staff|users|workers|people)|every (?:employee|user|staff member|person|one of us)|(?:the )?(?:whole|entire) (?:company|org(?:anization)?|firm|group)|company[- ]?wide|org(?:anization)?[- ]wide|across the (?:company|org|organi[sz]ation|board)|(?:all|every one) of (?:the|our) (?:offices|sites|locations|entities|plants|departments|branches|regions|subsidiaries)|all (?:\d+ |the |our )?(?:offices|sites|locations|entities|plants|departments|branches|regions|stores|warehouses|subsidiaries|factories)|every (?:office|site|location|entity|plant|department|branch|region|country)|across (?:all )?(?:departments|teams|offices|sites|entities|locations|regions|the company)|(?:multiple|several|many|different|various) (?:departments|offices|sites|entities|locations|branches|regions|cities|countries|plants|campuses|tenants)|(?:in|for|across) all (?:\d+ )?(?:tenants|regions|environments)|(?:all|every one) of (?:the|our) [\w-]+ (?:offices|sites|entities|locations|plants|branches|subsidiaries)|whole company|all tenants|(?:nobody|no one|no-one|noone) (?:in the company|at the company|anywhere|can|could|is able|has been|got|gets|was able|(?:has |is |was )?paid)|no (?:[\w-]+ ){0,2}(?:employee|user|one|staff|person|worker)s? (?:in|at|across) the (?:company|org)|(?:every|all|any) (?:of )?(?:the |our )?(?:employees|users|staff)|(?:in|at|across|from) (?:any|every) (?:entity|office|site|department|location|country|region|branch|plant))\b/g,
);

// A company phrase preceded by a unit ("上海分公司所有人") or followed by one ("everyone on the sales
// team") describes a group.
// "…部门的所有人", "GZ 这边所有人" (everyone here: the writer's own site).
const ZH_BOUND_BEFORE = wb(new RegExp(`(?:${UNIT_ZH}[^，。,.;；!！?？\\s]{0,5}|(?:这边|那边|这里)(?:的)?)$`));
const ZH_BOUND_WITHIN = wb(new RegExp(`(?:我们|咱们|这个|那个|本)${UNIT_ZH}`));
const EN_BOUND_AFTER = wb(
  new RegExp(
    `^(?:'s)?\\s*(?:(?:who|that|whose|hired|joining|starting|onboarded|enrolled|without|with(?! the company))\\b|(?:i|we)(?:'ve| have)? (?:asked|know|talked|spoke|checked|called|pinged)\\b|(?:who is |who are |that is )?(?:in|on|at|from|of|within)\\s+(?:my|our|the|this|that|his|her|their)?\\s*(?:[\\w&-]+\\s+){0,3}?${UNIT_EN}\\b|(?:in|on|at|from|within) (?:the |our |my )?(?:customer (?:care|service|success|support)|finance|hr|legal|sales|marketing|engineering|ops|operations|support|logistics|procurement|payroll|accounting|warehouse|plant|store|factory)\\b|on site|onsite|here)`,
  ),
);

const ACROSS_UNITS_AFTER = wb(
  /^\s*(?:'s\s+)?(?:\S+\s+){0,2}?(?:in|at|across|from|of) (?:all|every|each|any)\b/u,
);
const GROUP_NAMED_BEFORE = wb(
  new RegExp(
    `(?:\\b(?:whole|entire|all of(?: the| our| my)?)\\s+(?:[\\w&-]+\\s+){0,3}?${UNIT_EN}\\b|(?:整个|整层|整栋)[\\p{Script=Han}]{0,6}?${UNIT_ZH})`,
    'u',
  ),
);

// "同组的人都有", "everyone else got theirs": others are fine, so only the writer is affected.
const OTHERS_FINE = wb(
  /(?:别人|其他人|其他同事|同事们?|同组的人|组里其他人|大家)(?:都|也都)(?:有|到了|到账了|正常|能|可以|没问题|收到了?|发了|好的)|其他\d*(?:台|个|人)[^，。,.]{0,4}(?:都)?正常|同事的都能|旁边同事都能|(?:别人|同事)都能打|\b(?:everyone else|everybody else|others|other people|my colleagues|my teammates|the rest of my team)(?: all)? (?:got|get|have|has|are fine|is fine|can|could|received|were paid)\b|\bworks for (?:everyone|others|my colleagues)\b/u,
);

const UNSURE_SCOPE = wb(
  /\bor (?:is it )?just (?:me|us)\b|\bjust me\?|\bonly me\?|还是(?:只有|就)我(?!们)|是不是(?:只有|就)我(?!们)|就我一个/u,
);

const UNSURE_SCOPE_ALL = new RegExp(UNSURE_SCOPE.source, 'gu');
// Others say they have it too: "say (the) same", "same here", "他们也一样", "隔壁也登不上".
const OTHERS_TOO = wb(
  /\b(?:say|says|said|report|reports|reported|seeing|see|sees|getting|get|gets|got|having|have|has|had) (?:the )?same(?: thing| issue| problem| error)?\b|\bsame here\b|\bsame for (?:them|him|her|everyone|my)\b|(?:也|都)(?:一样|是这样|这样|不行|登不上|进不去|打不开|用不了)|都说一样|同样的问题/u,
);

const OTHERS_TOO_ALL = new RegExp(OTHERS_TOO.source, 'gu');

/** The sentence of `text` around `at`, as [start, end). */
function sentenceAround(text: string, at: number): [number, number] {
  const before = text.slice(0, at).search(/[^.!?。！？\n]*$/u);
  const after = text.slice(at).search(/[.!?。！？\n]/u);
  return [before, after < 0 ? text.length : at + after + 1];
}

const PEOPLE_WORDS = wb(
  /^(?:所有人|所有员工|每个人|每个员工|全员|全体员工|人人|everyone|everybody|nobody|no one|no-one|noone|every ?one of us|all of us|each of us|all (?:of )?(?:the |our )?(?:employees|staff|users|workers|people)|every (?:employee|user|staff member|person)|(?:every|any) (?:of )?(?:the |our )?(?:employees|users|staff))/,
);

const GROUP_ZH = wb(
  new RegExp(
    [
      `(?:整个|整层|整栋|全|整)(?!公司|集团|员|体员工|国|部(?!门))[\\p{Script=Han}A-Za-z0-9]{0,6}?${UNIT_ZH}`,
      `${UNIT_ZH}(?:的|里|里面|这边|那边)?(?:几乎)?(?:所有人|全部人|所有同事|全体|大家|每个人|人都|同事都|都)`,
      '(?:我们|咱们)(?:这边|这里|那边)?(?:组|部门|团队|办公室|门店|这层楼|楼层|科室|中心|仓库|工厂|班组|产线|园区)[^，。,.!！?？]{0,12}都',
      '一半(?:的)?(?:人|同事|员工)|好多人|很多人|好几个(?:人|同事)|不少人|一批人|一堆人|大家都|同事们都|好多同事|很多同事',
      '(?:审批|批)不了(?:任何|所有)|(?:任何|所有)(?:的)?(?:单子|申请|请假单|审批).{0,6}(?:批不了|审批不了|都批不了)',
      '(?:员工|同事|新人|工人|店员|司机|实习生)(?:们)?(?:都|全都)(?:打不上|登不上|进不去|用不了|无法|不能|没法|刷不了)',
    ].join('|'),
    'gu',
  ),
);
const GROUP_EN = wb(
  new RegExp(
    [
      `\\b(?:whole|entire)\\s+(?:[\\w&-]+\\s+){0,3}?${UNIT_EN}\\b`,
      `\\b(?:all|everyone|everybody|nobody|no one|none|anyone|any of us|all of us|each person)\\s+(?:of\\s+)?(?:in|on|at|from)?\\s*(?:my|our|the|this)\\s+(?:[\\w&-]+\\s+){0,3}?${UNIT_EN}\\b`,
      `\\b(?:my|our)\\s+(?:whole\\s+)?${UNIT_EN}(?:'s)?\\s+(?:all\\s+)?(?:cant|can't|cannot|can not|is unable|are unable|is locked|are locked|lost|has no|have no|is down|are down)`,
      // "our team's expense sync has failed": the team's own tool or process.
      `\\b(?:my|our)\\s+${UNIT_EN}'s\\s+(?!(?:manager|lead|head|boss|admin|director)\\b)`,
      '\\bhalf (?:of )?(?:my|our|the) (?:team|department|office|people|staff|floor|shift)\\b',
      '\\b(?:several|multiple|many|a lot of|lots of|a bunch of|dozens of|hundreds of|a few of) (?:people|colleagues|us|employees|users|staff|workers|reps|laptops|machines|accounts)\\b',
      '\\b(?:all of us|the rest of (?:my|the) team|\\d+ of us)\\b',
      // A manager who can approve nothing blocks the whole team.
      "\\b(?:can't|cant|cannot|unable to) approve (?:any|anything|all)\\b",
      "\\b(?:staff|employees|people|workers|users|agents|new hires|new joiners|interns|contractors|managers|drivers)(?:\\s+[\\w-]+){0,4}?\\s+(?:all\\s+)?(?:can't|cant|cannot|are unable|aren't able|couldn't|can not)\\b",
    ].join('|'),
    'gu',
  ),
);

// A named unit ("the Madrid office", "财务部", "华南区"): who is affected is then often the unit.
const NAMED_UNIT_ZH = wb(
  /\p{Script=Han}{1,6}?(?<![调新老原本该这那哪各每他们的个])(?:分公司|子公司|办公室|园区|仓库|工厂|门店|事业部|车间|产线|中心|分行|基地|部门)|\p{Script=Han}{1,4}?(?<![全内外局细总])部(?![分署门])|\p{Script=Han}{1,3}(?<![地小社园专])区(?=的|今天|这|所有|全|都)/u,
);
const NAMED_UNIT_EN = wb(
  /\b(?:the|our|at|in|for|from) (?!the |my |your |his |her |their |a |an |this |that |home |head |same |other |new |old |whole |entire )([a-z][\w&.-]*(?: [a-z][\w&.-]*)?) (?:office|site|plant|entity|branch|warehouse|store|campus|factory|team|department|dept|region|call cent(?:er|re)|center|centre|shift)s?\b/u,
);
const UNIT_FAILS = wb(
  /^[^。.!！?？;；]{0,40}?(?:不了|不上|不进|不到|无法|不能|没法|失败|报错|挂了|\b(?:can't|cant|cannot|can not|couldn't|unable|is down|are down|is locked|are locked|lost access|has no|have no|is blocked|are blocked|not working|fails?|failing|failed)\b)/u,
);
const COLLECTIVE_ZH = wb(/都|全部|全都|所有|整个|一半/u);
const COLLECTIVE_EN = wb(/\b(?:all|nobody|no one|anyone|everyone|everybody|none of)\b/u);
const FIRST_PERSON_ZH = wb(/我(?!们)/u);
const FIRST_PERSON_EN = wb(/\b(?:i|my|me|i'm|mine)\b/u);
// The writer's own thing: "my payslip", "我的账号", "我工资".
const MY_ZH = /我的|我(?=工资|薪|账号|帐号|电脑|手机|密码|邮箱|社保|公积金|卡|假|年假|考勤|打卡)/u;
const MY_EN = wb(/\bmy\b/u);
// Words for anyone besides the writer: "we", "colleagues", "大家", "员工" — or a count of people.
const OTHERS_ZH =
  /我们|咱们|大家|同事|员工|别人|他人|其他|另一|所有|全部|全体|全员|每个|整个|人都|几个人|好多人/u;
const OTHERS_EN = wb(
  /\b(?:we|we're|us|our|ours|everyone|everybody|anyone|anybody|nobody|no one|colleagues?|co-?workers?|people|staff|team|employees|others|all|folks|guys|users|customers|someone|somebody|another|other)\b/u,
);

/** Smallest count of people/things that makes an issue a group issue. */
const GROUP_MIN_COUNT = 5;
// The unit is the whole of it: "only the Shanghai office", "Beijing is fine", "其他分公司正常".
const LIMITED = wb(
  /\b(?:only|just)\b[^.!?;]{0,30}\b(?:office|site|plant|team|department|entity|branch|store|region|floor|hotel|campus|school|hospital|depot|hub|warehouse)\b|\b(?:office|site|plant|team|department|entity|branch|store|region|floor|hotel|campus|school|hospital|depot|hub|warehouse)\b (?:only|alone)\b|\b(?:other|the other|all other|rest of the) (?:[\w-]+ )?(?:offices|sites|plants|teams|departments|entities|branches|stores|regions|floors|workshops|shifts|orgs|cities|locations|hotels|campuses|schools|hospitals|depots|hubs|warehouses)\b[^.!?;]{0,30}\b(?:fine|ok|okay|normal|unaffected|not affected|work|working|look|seem|are good|can)\b|其他(?:的)?(?:分公司|子公司|园区|办公室|部门|团队|组|门店|车间|工厂|厂区|主体|城市|地区|区域|办公楼)[^，。,.!！?？]{0,12}(?:正常|没问题|都好|不受影响|没受影响|能|可以)|(?<=[^\s，。,.!！?？我你]{2})的(?:同事|人|同学|员工)?(?:倒是|倒|都|还是)?(?:正常|没事|没问题|不受影响|没受影响|好好的)(?![吗吧么]|的吗)|(?:别的|其他)(?:部门|团队|组)(?:好好的|都正常|没事)|仅(?:限)?(?:于)?[\p{Script=Han}]{1,8}(?:分公司|园区|办公室|工厂|门店|部门)/u,
);

// Two to four people: "3 of my ppl", "mine and the two people next to me", "问了隔壁几个也一样".
const FEW = wb(
  /\b(?:a few|a couple of|two|three|2|3|4) (?:of (?:us|my|our|them)|(?:other )?(?:people|ppl|colleagues|coworkers|teammates|guys|folks))\b|(?:隔壁|旁边|身边)(?:的)?(?:几个|两个|好几个)|(?:几个|两个|三个)(?:同事|人)(?:也|都)/u,
);

const NAMED_UNIT_EN_ALL = new RegExp(NAMED_UNIT_EN.source, 'gu');
const NAMED_UNIT_ZH_ALL = new RegExp(NAMED_UNIT_ZH.source, 'gu');
/** How many distinct units the message names ("the Madrid office", "财务部"; not "新部门", "这个门店"). */
function namedUnits(norm: string, han: boolean, latin: boolean): number {
  const names = new Set<string>();
  if (latin) for (const m of norm.matchAll(NAMED_UNIT_EN_ALL)) names.add(m[0]);
  if (han) for (const m of norm.matchAll(NAMED_UNIT_ZH_ALL)) names.add(m[0]);
  return names.size;
}

const NAMES_A_UNIT = new RegExp(`${UNIT_ZH}|\\b${UNIT_EN}\\b`, 'u');
const HAS_HAN = wb(/\p{Script=Han}/u);
const HAS_LATIN = wb(/[a-z]/);

export function detectScope(norm: string, out: DetectedSignal[]): void {
  const company: { text: string; at: number }[] = [];
  const bound: string[] = [];
  // Most messages are in one language: skip the other language's patterns.
  const han = HAS_HAN.test(norm);
  const latin = HAS_LATIN.test(norm);
  const companyRes = han ? (latin ? [COMPANY_ZH, COMPANY_EN] : [COMPANY_ZH]) : [COMPANY_EN];
  const singleUnit = namedUnits(norm, han, latin) === 1 && findPlaceLists(norm).length === 0;
  const groupRes = han ? (latin ? [GROUP_ZH, GROUP_EN] : [GROUP_ZH]) : [GROUP_EN];
  const limitedHere = LIMITED.test(norm);
  for (const re of companyRes) {
    for (const m of norm.matchAll(re)) {
      const before = norm.slice(Math.max(0, m.index - 12), m.index);
      const after = norm.slice(m.index + m[0].length, m.index + m[0].length + 40);
      // Only words for people ("所有人", "everyone") can be narrowed; "全公司", "every office" cannot.
      const narrowable = PEOPLE_WORDS.test(m[0]);
      const isBound =
        narrowable &&
        !ACROSS_UNITS_AFTER.test(after) &&
        (ZH_BOUND_BEFORE.test(before) ||
          ZH_BOUND_WITHIN.test(before) ||
          EN_BOUND_AFTER.test(after) ||
          // "our entire Madrid office's requests are stuck, nobody can get approvals": the people are
          // the unit already named.
          GROUP_NAMED_BEFORE.test(norm.slice(0, m.index)));
      // "the Shenzhen plant shows everyone absent": with one unit named and no list of sites, the
      // people are that unit's.
      const ofTheUnit = narrowable && singleUnit;
      // "所有人的vpn都连不上了 remote的同事倒是正常": everyone here, since others are said to be fine.
      const ofTheRest = narrowable && limitedHere;
      if (isBound || ofTheUnit || ofTheRest) bound.push(m[0]);
      else company.push({ text: m[0], at: m.index });
    }
  }
  // "I can't see everyone's schedule": the writer is the one affected, the company is the object.
  // "全员薪资查看权限": everyone's data, not everyone affected. "if it lapses nobody can sign in": a
  // risk, not yet an outage. "down for everyone or just me?": nobody knows yet that it is company-wide
  // — in that sentence; "…or is it just me? nobody can get into anything" answers it in the next.
  const unsure = [...norm.matchAll(UNSURE_SCOPE_ALL)];
  const unsureSentences = unsure.map((m) => sentenceAround(norm, m.index));
  const inUnsureSentence = (at: number) => unsureSentences.some(([from, to]) => at >= from && at < to);
  const affected = company.filter(({ text, at }) => !notAffected(norm, text) && !inUnsureSentence(at));
  if (affected.length > 0) {
    out.push({
      name: 'scope_company',
      match: affected[0].text,
      reason: `"${affected[0].text}" says the whole company or many departments are affected`,
    });
    return;
  }
  const limited = LIMITED.exec(norm);
  if (limited)
    out.push({
      name: 'limited_scope',
      match: limited[0],
      reason: `"${limited[0]}": the writer says the rest of the company is not affected`,
    });
  // Concrete evidence (a list of sites, a count) stands even after a polite "不知道是不是只有我们".
  const wide = wideEvidence(norm, limited !== null);
  if (wide) {
    out.push({ name: 'scope_wide', match: wide.match, reason: wide.reason });
    return;
  }
  // "…or is it just me? nurses on my ward say same": another sentence answers the question.
  const answered = [...norm.matchAll(OTHERS_TOO_ALL)].some((m) => !inUnsureSentence(m.index));
  const others = OTHERS_FINE.exec(norm) ?? (answered ? null : (unsure[0] ?? null));
  if (others) {
    out.push({
      name: 'scope_self',
      match: others[0],
      reason: UNSURE_SCOPE.test(others[0])
        ? `"${others[0]}": the writer does not know that anyone else is affected`
        : `"${others[0]}": others are fine, only the writer is affected`,
    });
    return;
  }
  // "the Shanghai office, the Shenzhen office and the Beijing office": three named sites are several.
  const named = namedUnits(norm, han, latin);
  if (named >= 3 && !limited) {
    out.push({ name: 'scope_wide', match: `${named} units`, reason: `names ${named} sites or units` });
    return;
  }
  const group = [...bound];
  // "only the Shanghai office", "down for the Madrid office": the named unit as a whole.
  const unitAll = latin ? NAMED_UNIT_EN.exec(norm) : null;
  const unitAllZh = han ? NAMED_UNIT_ZH.exec(norm) : null;
  if (limited && (unitAll || unitAllZh)) group.push((unitAll ?? unitAllZh)?.[0] ?? limited[0]);
  if (
    unitAll &&
    /\b(?:down|offline|out) (?:for|at|in)\s*$/u.test(
      norm.slice(Math.max(0, unitAll.index - 16), unitAll.index + 4),
    )
  )
    group.push(unitAll[0]);
  for (const re of groupRes) for (const m of norm.matchAll(re)) group.push(m[0].trim());
  const unitZh = han ? NAMED_UNIT_ZH.exec(norm) : null;
  const unitEn = latin ? NAMED_UNIT_EN.exec(norm) : null;
  // "杭州园区…都打不了卡", "the badge readers at the Austin office are all offline": a unit plus a
  // collective word, in a message that is not about the writer alone.
  if (unitZh && COLLECTIVE_ZH.test(norm.slice(unitZh.index)) && !FIRST_PERSON_ZH.test(norm))
    group.push(unitZh[0]);
  if (unitEn && COLLECTIVE_EN.test(norm) && !FIRST_PERSON_EN.test(norm)) group.push(unitEn[0]);
  // "the Sales team can't open the CRM": a unit as the subject of a failure, nobody speaking for
  // themselves alone.
  if (group.length === 0) {
    const unit = unitZh ?? unitEn;
    if (
      unit &&
      UNIT_FAILS.test(norm.slice(unit.index)) &&
      !FIRST_PERSON_ZH.test(norm) &&
      !FIRST_PERSON_EN.test(norm)
    )
      group.push(unit[0]);
  }
  // "three teams cannot clock in", "我负责的4个门店": several teams, stores or floors, fewer than
  // wideEvidence's many, are at least a group.
  const units = findCounts(norm).find((n) => n.kind === 'small_unit' && n.value >= 2);
  if (units) group.push(units.text);
  // "two people on my team can't clock in": the count says how big the group is.
  const small = findCounts(norm).filter((n) => n.kind === 'people');
  if (
    group.length > 0 &&
    bound.length === 0 &&
    small.length > 0 &&
    small.every((n) => n.value < GROUP_MIN_COUNT && n.value >= 2)
  ) {
    out.push({
      name: 'scope_few',
      match: small[0].text,
      reason: `"${small[0].text}": a few people are affected`,
    });
    return;
  }
  if (group.length > 0) {
    // "the whole Shenzhen office, everyone gets error 500": the unit says who "everyone" is.
    const match = group.find((g) => NAMES_A_UNIT.test(g)) ?? group[0];
    out.push({
      name: 'scope_group',
      match,
      reason: `"${match}" says a team, site or group of people is affected`,
    });
    return;
  }
  // A count is weaker evidence than a word: "9 people" may be who is affected or a figure in a report.
  const count = findCounts(norm).find(
    (n) =>
      (n.kind === 'people' || n.kind === 'accounts' || n.kind === 'devices') && n.value >= GROUP_MIN_COUNT,
  );
  if (count) {
    out.push({
      name: 'scope_count',
      match: count.text,
      reason: `"${count.text}" counts ${GROUP_MIN_COUNT} or more people or machines`,
    });
    return;
  }
  const few =
    FEW.exec(norm)?.[0] ??
    findCounts(norm).find((n) => n.kind === 'people' && n.value >= 2 && n.value < GROUP_MIN_COUNT)?.text;
  if (few) {
    out.push({ name: 'scope_few', match: few, reason: `"${few}": a few people are affected` });
    return;
  }
  const unit = unitZh ?? unitEn;
  if (unit) {
    out.push({ name: 'scope_unit', match: unit[0], reason: `names a unit ("${unit[0]}")` });
    return;
  }
  // "my salary is half of what it should be": the writer speaks of their own, and of nobody else.
  const self = (han ? MY_ZH.exec(norm) : null) ?? (latin ? MY_EN.exec(norm) : null);
  if (self && !OTHERS_ZH.test(norm) && !OTHERS_EN.test(norm) && !OTHERS_TOO.test(norm)) {
    out.push({
      name: 'scope_self',
      match: self[0],
      reason: `"${self[0]}": the writer speaks of their own case and of nobody else`,
    });
  }
}
