/** Scope signals: the whole company, a group, a named unit, a count of people, or just the writer. */
import { findNumbers } from './features.ts';
import { type DetectedSignal, wb } from './signal-types.ts';

// ---------------------------------------------------------------------------------------------
// Scope. Company-wide phrases first; a company phrase bound to a smaller unit becomes a group.

const UNIT_ZH =
  '(?:部门|事业部|中心|分公司|子公司|办公室|门店|店|工厂|厂|仓库|园区|车间|班组|产线|生产线|楼层|楼|组|团队|科室|部|区|分行|站点|项目组)';
const UNIT_EN =
  '(?:team|department|dept|office|site|floor|branch|plant|warehouse|store|shift|squad|unit|division|entity|region|center|centre|building|campus|group|org|crew|line|pod|plan|program|scheme|cohort|class|batch)s?';

const COMPANY_ZH = wb(
  /全公司|整个公司|全集团|整个集团|全员|全体员工|所有员工|所有人|每个人|每个员工|人人|全国各地|各地|(?:各个?|多个|所有|好多|好几个|几个|跨)(?:部门|分公司|子公司|办公室|门店|工厂|园区|事业部|地区|城市|区域|法人|主体)/g,
);
const COMPANY_EN = wb(
  /\b(?:everyone|everybody|all (?:the )?(?:employees|staff|users|workers|people)|every (?:employee|user|staff member|person|one of us)|(?:the )?(?:whole|entire) (?:company|org(?:anization)?|firm|group)|company[- ]?wide|org(?:anization)?[- ]wide|across the (?:company|org|organi[sz]ation|board)|(?:all|every one) of (?:the|our) (?:offices|sites|locations|entities|plants|departments|branches|regions|subsidiaries)|all (?:\d+ |the |our )?(?:offices|sites|locations|entities|plants|departments|branches|regions|stores|warehouses|subsidiaries|factories)|every (?:office|site|location|entity|plant|department|branch|region|country)|across (?:all )?(?:departments|teams|offices|sites|entities|locations|regions|the company)|(?:multiple|several|many|different|various) (?:departments|offices|sites|entities|locations|branches|regions)|(?:nobody|no one|no-one|noone) (?:in the company|at the company|anywhere|can|could|is able|has been|got|gets|was able)|no (?:[\w-]+ ){0,2}(?:employee|user|one|staff|person|worker)s? (?:in|at|across) the (?:company|org)|(?:every|all|any) (?:of )?(?:the |our )?(?:employees|users|staff)|(?:in|at|across|from) (?:any|every) (?:entity|office|site|department|location|country|region|branch|plant))\b/g,
);

// A company phrase preceded by a unit ("上海分公司所有人") or followed by one ("everyone on the sales
// team") describes a group.
const ZH_BOUND_BEFORE = wb(new RegExp(`${UNIT_ZH}[^，。,.;；!！?？\\s]{0,5}$`));
const ZH_BOUND_WITHIN = wb(new RegExp(`(?:我们|咱们|这个|那个|本)${UNIT_ZH}`));
const EN_BOUND_AFTER = wb(
  new RegExp(
    `^(?:'s)?\\s*(?:(?:who is |who are |that is )?(?:in|on|at|from|of|within)\\s+(?:my|our|the|this|that|his|her|their)?\\s*(?:[\\w&-]+\\s+){0,3}?${UNIT_EN}\\b|on site|onsite|here)`,
  ),
);

const ACROSS_UNITS_AFTER = wb(
  /^\s*(?:'s\s+)?(?:\S+\s+){0,2}?(?:in|at|across|from|of) (?:all|every|each|any)\b/u,
);
const GROUP_NAMED_BEFORE = wb(
  new RegExp(
    `(?:\\b(?:whole|entire)\\s+(?:[\\w&-]+\\s+){0,3}?${UNIT_EN}\\b|(?:整个|整层|整栋)[\\p{Script=Han}]{0,6}?${UNIT_ZH})`,
    'u',
  ),
);

// "同组的人都有", "everyone else got theirs": others are fine, so only the writer is affected.
const OTHERS_FINE = wb(
  /(?:别人|其他人|其他同事|同事们?|同组的人|组里其他人|大家)(?:都|也都)(?:有|到了|到账了|正常|能|可以|没问题|收到了?|发了|好的)|\b(?:everyone else|everybody else|others|other people|my colleagues|my teammates|the rest of my team)(?: all)? (?:got|get|have|has|are fine|is fine|can|could|received|were paid)\b|\bworks for (?:everyone|others|my colleagues)\b/u,
);

const UNSURE_SCOPE = wb(
  /\bor (?:is it )?just (?:me|us)\b|\bjust me\?|\bonly me\?|还是(?:只有|就)我|是不是(?:只有|就)我|就我一个/u,
);

const PEOPLE_WORDS = wb(
  /^(?:所有人|所有员工|每个人|每个员工|全员|全体员工|人人|everyone|everybody|nobody|no one|no-one|noone|all (?:of )?(?:the |our )?(?:employees|staff|users|workers|people)|every (?:employee|user|staff member|person)|(?:every|any) (?:of )?(?:the |our )?(?:employees|users|staff))/,
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
  /\p{Script=Han}{1,6}?(?:分公司|子公司|办公室|园区|仓库|工厂|门店|事业部|车间|产线|中心|分行|基地|部门)|\p{Script=Han}{1,4}?(?<![全内外局细总])部(?![分署门])|\p{Script=Han}{1,3}(?<![地小社园专])区(?=的|今天|这|所有|全|都)/u,
);
const NAMED_UNIT_EN = wb(
  /\b(?:the|our|at|in|for|from) (?!the |my |your |his |her |their |a |an |this |that |home |head |same |other |new |old |whole |entire )([a-z][\w&.-]*(?: [a-z][\w&.-]*)?) (?:office|site|plant|entity|branch|warehouse|store|campus|factory|team|department|dept|region|call cent(?:er|re)|center|centre|shift)s?\b/u,
);
const COLLECTIVE_ZH = wb(/都|全部|全都|所有|整个|一半/u);
const COLLECTIVE_EN = wb(/\b(?:all|nobody|no one|anyone|everyone|everybody|none of)\b/u);
const FIRST_PERSON_ZH = wb(/我(?!们)/u);
const FIRST_PERSON_EN = wb(/\b(?:i|my|me|i'm|mine)\b/u);

/** Smallest count of people/things that makes an issue a group issue. */
const GROUP_MIN_COUNT = 5;

const WRITER_CANNOT = wb(
  /(?:\b(?:i|i'm|i am)\b[^.,;!?]{0,20}\b(?:can't|cant|cannot|can not|couldn't|unable|don't|do not)\b|我(?!们)[^，。,.;；!！?？]{0,6}(?:看不到|看不了|打不开|没法|不能|无法|找不到))[^.,;!?。，；！？]*$/u,
);

/** The company phrase is the object of something the writer alone cannot do. */
function objectOfWriter(norm: string, phrase: string): boolean {
  const at = norm.indexOf(phrase);
  return at > 0 && WRITER_CANNOT.test(norm.slice(0, at));
}

const HAS_HAN = wb(/\p{Script=Han}/u);
const HAS_LATIN = wb(/[a-z]/);

export function detectScope(norm: string, out: DetectedSignal[]): void {
  const company: string[] = [];
  const bound: string[] = [];
  // Most messages are in one language: skip the other language's patterns.
  const han = HAS_HAN.test(norm);
  const latin = HAS_LATIN.test(norm);
  const companyRes = han ? (latin ? [COMPANY_ZH, COMPANY_EN] : [COMPANY_ZH]) : [COMPANY_EN];
  const groupRes = han ? (latin ? [GROUP_ZH, GROUP_EN] : [GROUP_ZH]) : [GROUP_EN];
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
      (isBound ? bound : company).push(m[0]);
    }
  }
  // "I can't see everyone's schedule": the writer is the one affected, the company is the object.
  // "down for everyone or just me?": nobody knows yet that it is company-wide.
  if (company.length > 0 && (objectOfWriter(norm, company[0]) || UNSURE_SCOPE.test(norm))) company.length = 0;
  if (company.length > 0) {
    out.push({
      name: 'scope_company',
      match: company[0],
      reason: `"${company[0]}" says the whole company or many departments are affected`,
    });
    return;
  }
  const others = OTHERS_FINE.exec(norm) ?? UNSURE_SCOPE.exec(norm);
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
  const group = [...bound];
  for (const re of groupRes) for (const m of norm.matchAll(re)) group.push(m[0].trim());
  const unitZh = han ? NAMED_UNIT_ZH.exec(norm) : null;
  const unitEn = latin ? NAMED_UNIT_EN.exec(norm) : null;
  // "杭州园区…都打不了卡", "the badge readers at the Austin office are all offline": a unit plus a
  // collective word, in a message that is not about the writer alone.
  if (unitZh && COLLECTIVE_ZH.test(norm.slice(unitZh.index)) && !FIRST_PERSON_ZH.test(norm))
    group.push(unitZh[0]);
  if (unitEn && COLLECTIVE_EN.test(norm) && !FIRST_PERSON_EN.test(norm)) group.push(unitEn[0]);
  if (group.length > 0) {
    out.push({
      name: 'scope_group',
      match: group[0],
      reason: `"${group[0]}" says a team, site or group of people is affected`,
    });
    return;
  }
  // A count is weaker evidence than a word: "9 people" may be who is affected or a figure in a report.
  const count = findNumbers(norm).find((n) => n.people && n.value >= GROUP_MIN_COUNT);
  if (count) {
    out.push({
      name: 'scope_count',
      match: count.text,
      reason: `"${count.text}" counts ${GROUP_MIN_COUNT} or more people or machines`,
    });
    return;
  }
  const unit = unitZh ?? unitEn;
  if (unit) {
    out.push({ name: 'scope_unit', match: unit[0], reason: `names a unit ("${unit[0]}")` });
  }
}
