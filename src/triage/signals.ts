/**
 * Explicit triage signals (DESIGN §3 "signals that raise severity"), bilingual, each with the text
 * that matched and a reason an engineer can read. Detectors look for combinations rather than single
 * words where a word alone misleads: "leak" needs data nearby (a leaking tap is not a breach),
 * "everyone" followed by "in my team" is a team, not the company.
 */
import { findNumbers, normalizeText } from './features.ts';

export type SignalName =
  | 'scope_company'
  | 'scope_group'
  | 'scope_count'
  | 'scope_unit'
  | 'scope_self'
  | 'outage'
  | 'urgency_payday'
  | 'urgency_deadline'
  | 'urgency_blocked'
  | 'money'
  | 'legal'
  | 'security_breach'
  | 'security_compromise'
  | 'security_phishing'
  | 'no_harm'
  | 'hypothetical'
  | 'exercise'
  | 'workaround'
  | 'role_hr_admin'
  | 'escalate_command'
  | 'human_request'
  | 'smalltalk_cue'
  | 'question_form'
  | 'request_form'
  | 'reporters';

export interface DetectedSignal {
  name: SignalName;
  match: string;
  reason: string;
}

export interface SignalContext {
  role?: string;
  reporters?: number;
}

type Rule = { name: SignalName; re: RegExp; reason: string };

/**
 * Word boundaries as lookarounds. V8 compiles `\b` inside large alternations several times slower
 * than `(?<!\w)` / `(?!\w)` (measured: 60 ms → 25 ms for this file's patterns, paid once per
 * process), and for these patterns, whose alternatives start and end with word characters, the two
 * mean the same. A `\b` before a word character, a group or an escape opens a word; any other
 * closes one.
 */
function wb(re: RegExp): RegExp {
  const source = re.source.replace(/\\b/g, (_m, at: number, src: string) =>
    /[\w(\\]/.test(src[at + 2] ?? '') ? '(?<!\\w)' : '(?!\\w)',
  );
  return new RegExp(source, re.flags);
}

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

function detectScope(norm: string, out: DetectedSignal[]): void {
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

// ---------------------------------------------------------------------------------------------
// Word rules. Each regex runs on the normalized (NFKC, lowercased) text.

const RULES: Rule[] = [
  {
    name: 'outage',
    re: wb(
      /宕机|挂了|挂掉|全挂|崩了|崩溃|瘫痪|停摆|全停|停保|被拒|访问不了|无法访问|上不去|刷不开|没反应|没响应|停(?:账号|用|掉)|算错|进不去|打不开|用不了|登不上|登录不了|登不进|无法|不能用|不能(?:提交|登录|打卡|审批|请假|访问)|失败|报错|出错|故障|发不出|没到账|没发|打不上|连不上|上不了|清零|清空|全没了|白屏|蓝屏|卡死|不可用|中断|断了|[^\d]50[0-4](?!\d)|\b(?:(?:is|are|was|were|went|goes|been|it's|its|still|all|everything) down|down (?:for|since|again|across|company|everywhere)|outage|crash(?:ed|es|ing)?|fail\w*|not working|wrong|incorrect|denied|declined|turned away|unreachable|inaccessible|not loading|won't load|timing out|times out|broken|cant|can't|cannot|unable|errors?|erroring|5\d\d|unavailable|offline|wiped|rejected|locked out|not (?:been )?paid|disabled|deleted|terminated|cancell?ed|reset to zero|encrypted|no one can|nobody can)\b/u,
    ),
    reason: 'something is down or failing',
  },
  {
    name: 'urgency_payday',
    re: wb(
      /今天(?:是)?发(?:工资|薪)|今天(?:发|到账)的(?:工资|薪水|钱)|发薪日|今天发薪|(?:工资|薪水|奖金|年终奖)?今天(?:已经)?(?:到账|到了|发了)|今天(?:的)?工资|已经发出|发出去了|打款|代发|到手|\b(?:payday|pay day|paid today|got paid|just (?:got )?paid|pay landed|salary landed|landed today|today's (?:pay|payroll|run|pay run|deposit|paycheck|salary)|this morning's (?:pay|payroll|run)|(?:salary|pay|paycheck|wages?|deposit) (?:came in|arrived|hit|landed|went in)(?: today| this morning)|went out (?:today|this morning|twice)|paid this morning|bank (?:batch|file)|in today's run|on payday|(?:deposit|paycheck|pay|salary) (?:bounced|failed|was rejected)(?: today| this morning)?)\b/u,
    ),
    reason: 'pay is going out today or has just been paid',
  },
  {
    name: 'urgency_deadline',
    re: wb(
      /加急|尽快|急用|明天|明早|明天(?:就)?发(?:工资|薪)|后天(?:就)?发(?:工资|薪)|周[一二三四五六日天](?:就)?发(?:工资|薪)|发薪前|锁定|截止|结账|结算|月底|今天(?:必须|要交|要用)|(?:这周|本周|明天|后天|周[一二三四五六日天])(?:就)?要(?:算|发)(?:工资|薪)|算薪|明天(?:就)?要|下午.{0,6}(?:要|截止)|\b(?:urgent(?:ly)?|asap|expedite\w*|tomorrow|deadline|cut-?off|due (?:today|tomorrow|at|by)|closes (?:today|tomorrow|friday|on)|locks (?:today|tomorrow)|pay date is|month-?end|close is|before the bank|by (?:eod|end of day|noon|tomorrow)|today at \d|starts? (?:tomorrow|on the))\b/u,
    ),
    reason: 'a deadline (payroll lock, cut-off, month-end) is close',
  },
  {
    name: 'urgency_blocked',
    re: wb(
      /卡住|卡着|动不了|没法干活|没法工作|干不了活|没办法工作|无法工作|没法接单|\b(?:blocked|blocking|can't work|cant work|can't do anything|cant do anything|stuck|unable to work|dead in the water)\b/u,
    ),
    reason: 'work is blocked',
  },
  {
    name: 'money',
    re: wb(
      /少发|多发|多扣|少扣|扣错|算错|只(?:到|发|给)了?(?:一半|一部分)|少算|漏发|没算进|少了|少了.{0,6}(?:钱|块|元|千|百|万|一半)|差了.{0,4}(?:钱|块|元|千|百|万)|一分(?:钱)?(?:都)?没|一分没|多了一倍|多发了一倍|双倍|个税.{0,8}(?:0|零|没扣|一分没扣)|按(?:税前|试用期|旧)|\b(?:short|underpaid|overpaid|double pay|paid twice|(?:nobody|no one|no-one) (?:got|has been|was|has) paid|paid [^.]{0,30} instead of|went out twice|wrong (?:rate|amount|tax|pay)|(?:less|lower) than (?:usual|normal|expected|last month)|zero tax|not paid|got nothing|\$\s?\d[\d,]*|\d+% (?:under|of my gross|short))\b/u,
    ),
    reason: 'money is wrong or unpaid',
  },
  {
    name: 'legal',
    re: wb(
      /劳动仲裁|仲裁|起诉|劳动局|劳动监察|律师|违法|\b(?:lawsuit|sue|suing|legal action|labou?r (?:bureau|board|department|tribunal)|lawyer|attorney|tribunal|gdpr|regulator)\b/u,
    ),
    reason: 'legal or regulatory exposure',
  },
  {
    name: 'security_phishing',
    re: wb(
      /钓鱼|冒充|假冒|伪装成|诈骗|可疑(?:邮件|短信|链接|电话)|验证码发给|要我的(?:银行卡|密码|验证码)|\b(?:phishing|phish|spoof(?:ed|ing)?|impersonat\w*|pretending to be|claiming to be|suspicious (?:email|link|text|call|message)|scam|gift cards?)\b/u,
    ),
    reason: 'a phishing or impersonation attempt',
  },
  {
    name: 'no_harm',
    re: wb(
      /没理|没点|没输|没回|挂了电话|我挂了|没上当|没给|\b(?:didn't click|did not click|haven't clicked|didn't respond|didn't reply|ignored it|hung up|didn't enter|did not enter|didn't give|nothing was given|didn't get one|reported it)\b/u,
    ),
    reason: 'nothing was given away',
  },
  {
    name: 'hypothetical',
    re: wb(
      /怎么(?!办)|如何|流程|要不要|应该转给|可以吗|听说|如果|假如|万一|要是|政策|规定|隔壁公司|别的公司|\b(?:how do i|how to|how can|how should|what should i do if|what counts|what do i do if|what happens if|if i|in case|policy|just want to know|just curious|hypothetical|is it ok|am i allowed|who do i|where do i)\b/u,
    ),
    reason: 'the message asks about a procedure or a hypothetical',
  },
  {
    name: 'exercise',
    re: wb(
      /培训|演练|演习|模拟|测试一下|\b(?:training|awareness|simulation|simulated|drill|tabletop|exercise|mock|test campaign)\b/u,
    ),
    reason: 'a drill, training or simulation, not a real event',
  },
  {
    name: 'workaround',
    re: wb(
      /先用|先走|先手|凑合|手动|手工|手写|临时|暂时|还能用|能用|可以用|重跑|重试.{0,6}(?:能|可以|成功)|重启就好|\b(?:for now|workaround|manually|manual (?:correction|entry|punch|sign-?in|log|filter\w*)|instead|paper|works? fine|still works|succeeds on retry|on retry|restart fixes|smaller ranges work)\b/u,
    ),
    reason: 'a workaround exists',
  },
  {
    name: 'human_request',
    re: wb(
      /转人工|找人工|人工客服|人工服务|有没有人工|人工在|人工[!！]|真人|活人|找个人|找个hr|找hr|当面(?:聊|说|谈)|给我打(?:个)?电话|打电话给我|(?:给我)?回(?:个)?电话|联系我|联系(?:一下)?.{0,8}(?:同事|负责人)|转给.{0,6}(?:同事|人|负责)|(?:和|跟|与)(?:hr|hrbp|人事|真人).{0,4}(?:沟通|聊|谈)|安排(?:个|一个)?人|约.{0,6}(?:hrbp|hr)|你们负责人|\b(?:(?:talk|speak|chat) (?:to|with) (?:a |an |some )?(?:human|person|real person|people|someone|somebody|agent)|(?:talk|speak) (?:to|with) (?:it|hr|payroll|the [\w-]+ team)(?: directly| in person| privately)|real person|actual person|live person|live agent|human (?:please|pls|agent)|(?:need|want) (?:a|to talk to a) (?:human|person)|put me through|connect me (?:to|with)|get me (?:someone|a person|a human)|call me|callback|call back|reach out to me|contact me(?: directly)?|get in touch with me|ping me directly|escalate to (?:a human|a person|someone)|someone who can (?:actually )?help|(?:is )?anyone (?:from|on) the [\w -]{1,30}(?:online|around|there))\b|^agent[.!]?$|^human[.!]?$/u,
    ),
    reason: 'the user asks for a person',
  },
  {
    name: 'smalltalk_cue',
    re: wb(
      /^(?:hi|hello|hey|yo|morning|good (?:morning|night|evening|afternoon)|thanks?|thank you|thx|ty|cheers|bye|ok bye|cool|nice|awesome|great|perfect|lol|haha)\b|\b(?:says? (?:hi|hello|thanks)|loves? (?:this|the|you)|(?:this|the) bot is|you're (?:the best|great|awesome|smart|pretty)|have a (?:good|nice|great)|appreciate it|never ?mind|figured it out)\b|谢谢|感谢|多谢|谢啦|辛苦|^你好|^哈喽|^早|早上好|晚上好|晚安|再见|拜拜|好用|真棒|厉害|哈哈|愉快|快乐|^(?:好的|收到|嗯|了解|明白)/u,
    ),
    reason: 'a greeting, thanks or chit-chat',
  },
  {
    name: 'question_form',
    re: wb(
      /[?？]$|吗(?:[，,。.?？!！~～\s]|$)|呢(?:[?？，,]|$)|几[点号天次个位]|在哪|哪(?:里|儿|个|些|天|位|家)|什么|怎么|多少|有没有|是不是|能不能|可不可以|要不要|是否|多久|^(?:how|what|where|when|which|who|why|is|are|do|does|did|can|could|should|will|would|am)\b/u,
    ),
    reason: 'phrased as a question',
  },
  {
    name: 'request_form',
    re: wb(
      /帮我|帮忙|麻烦|请帮|请给|申请|给我(?:开|换|配|加|改|发|做|出|导|拉)|想要|需要一|能不能帮|可以帮|导一份|出一份|拉一下|开通|\b(?:please|pls|plz|can you|could you|would you|(?:can|could) (?:someone|somebody)|can i (?:get|have)|could i (?:get|have)|i need|need an?|i'd like|i want to|requesting|request(?:ing)? an?|set up|add me|remove|change my|switch me|order)\b/u,
    ),
    reason: 'phrased as a request',
  },
];

const ESCALATE = wb(/^\s*(?:\/helpline\s+)?escalate\s*[:：]/u);

// Data that must not leave the company, and words saying it has left or is open to anyone.
const SENSITIVE_DATA = wb(
  /数据|资料|名单|文件|身份证|银行卡|银行账号|卡号|手机号|家庭住址|住址|护照|工资表|薪资表|薪酬|工资单|薪资数据|工资明细|个人信息|员工信息|候选人|简历|花名册|客户资料|员工数据|数据库|备份|\b(?:ssns?|social security|tax ids?|passports?|bank (?:details|info|account)s?|salar(?:y|ies) (?:data|spreadsheet|file|details|sheet|list)|(?:candidate|employee|personnel|customer) records|personal (?:data|info)|employee (?:records|data|database|info|files)|pii|payslips|credentials|passwords|home address(?:es)?|database|backup)\b/u,
);
const EXPOSURE = wb(
  /泄露|(?<!内存)泄漏|外泄|外流|流出|曝光|公网|外网|外部(?:群|的)?|公开(?:分享|了|链接)|任何人(?:都)?(?:可以|可|能)(?:访问|打开|看)|外部(?:也)?能(?:打开|访问|看)|拷走|被下载|批量(?:导出|下载)|导了.{0,3}[万千]条|贩卖|在卖|网上卖|不用登录|无需登录|不用鉴权|谁都能|任何人都能|都能看到|群发发错|发到.{0,8}群|\b(?:leak(?:ed|s|ing)?(?! memory)|exposed|exposure|publicly|public link|open to the internet|indexed|exfiltrat\w*|stolen|dumped|for sale|selling|shared externally|without (?:login|auth\w*)|anyone can (?:see|view|access)|breach(?:ed)?|mass (?:downloads?|exports?)|bulk (?:export|download)\w*|posted (?:in|on|to) (?:a )?public|(?:in|on) a public (?:folder|drive|link|share|bucket|page)|anyone with the link|public (?:slack|channel|group|community|site|repo|forum)|accessed by (?:an? )?(?:unauthori[sz]ed|unknown|third)|unauthori[sz]ed (?:party|parties|third part(?:y|ies)))\b/u,
);
const BREACH_ALONE = wb(
  /数据泄露|信息泄露|勒索(?:病毒|软件)|文件(?:都|全)?被加密|黑客|入侵|\b(?:data (?:leak|breach)|were breached|was breached|ransomware|password spraying|files (?:are|were|got) encrypted|exfiltrat\w*|attacker|intrusion|credential[- ]stuffing|brute[- ]force|botnet|mass (?:download|compromise))\b/u,
);

// Someone else acting as the user. Strong phrases stand alone; "it wasn't me" needs an account,
// credential or money-routing change nearby, or "my dependent was removed, I didn't ask" would count.
const COMPROMISE_STRONG = wb(
  /被盗|盗号|被黑|被人登录|被人.{0,8}登录|(?:陌生|不明|未知)(?:设备|ip|地点).{0,6}登录|登录.{0,6}(?:陌生|不明|未知)设备|异地登录|冒用|中招|(?:输|填|输入|填写)了.{0,6}密码|密码.{0,6}被(?:人)?改|不认识的.{0,6}(?:软件|程序|设备|登录)|离职(?:员工|同事)的?账号.{0,8}(?:还在|仍在|还能)|(?:在)?(?:别的|其他|外地|另一个)(?:城市|地方|国家|省).{0,4}登录|(?:用|以)我的名义|冒充我|挖矿|捡(?:到|来)的u盘|验证码.{0,6}(?:不停|一直|连续)(?:发|来)|一直收到.{0,4}验证码|\b(?:hacked(?! together| up| a | it\b)|compromised|taken over|takeover|someone (?:else )?(?:logged|got) in(?:to)?|someone (?:else )?is using my|unauthori[sz]ed (?:login|access|change|logins)|login (?:alert|attempt)s? from|logins? from (?:an? )?(?:unknown|unrecognized|foreign|suspicious|strange)|(?:entered|typed|put) (?:in )?my (?:password|credentials)|(?:ex|former)[- ]employee'?s? (?:login|account|access)|emails? i didn't (?:write|send)|in my name|using my name|pretending to be me|posing as me|remote (?:control|access) (?:of|to|on) my|(?:apps?|programs?|software|devices?|logins?) i (?:don't|do not|didn't|did not) (?:recogni[sz]e|install)|mfa fatigue|push bombing|crypto ?min(?:er|ing)|(?:found|picked up) (?:a |an )?(?:usb|thumb drive|flash drive)|(?:usb|thumb drive|flash drive|usb stick) (?:i )?(?:found|picked up)|(?:mfa|2fa|push) (?:requests?|notifications?|prompts?) (?:i didn't|i did not|at (?:\d+\s?(?:am|pm)?|night|midnight)|keep coming))\b/u,
);
const COMPROMISE_WEAK = wb(
  /不是我(?:本人)?(?:操作|改|提|登|发|干|设置|弄|做|装|下载)|不是我本人|不是(?:他|她)(?:本人)?(?:发|操作)|没设置过|我(?:根本|从来|从)?没(?:发|写|操作|提|登录|改|设置)过|不是我(?=[，,。.!！\s]|$)|被人(?:改|拿去|用)|转发规则|\b(?:wasn't (?:me|them|him|her)|was not (?:me|them|him|her)|not me|i never set (?:it|that|this) up|forwarding rule|i (?:didn't|did not|never) (?:do|make|change|request|trigger|send|log|authori[sz]e)|i never did|someone (?:else )?(?:changed|reset|accessed|used))\b/u,
);
const ACCOUNT_CONTEXT = wb(
  /密码|账号|帐号|登录|工号|验证码|工资卡|卡号|邮箱|邮件|\b(?:password|account|login|logged|mfa|2fa|direct deposit|bank|e?mail|inbox|mailbox|credentials|sso|push)\b/u,
);

function detectSecurity(norm: string, hits: DetectedSignal[]): void {
  const strong = COMPROMISE_STRONG.exec(norm);
  const weak = strong ? null : COMPROMISE_WEAK.exec(norm);
  const context = weak ? ACCOUNT_CONTEXT.exec(norm) : null;
  if (strong || (weak && context)) {
    hits.push({
      name: 'security_compromise',
      match: strong ? strong[0] : `${weak![0]} … ${context![0]}`,
      reason: 'the account may be controlled by someone else',
    });
  }
  const data = SENSITIVE_DATA.exec(norm);
  const exposed = EXPOSURE.exec(norm);
  const alone = BREACH_ALONE.exec(norm);
  if (alone) {
    hits.push({
      name: 'security_breach',
      match: alone[0],
      reason: `"${alone[0]}" describes a breach or data leak`,
    });
    return;
  }
  if (data && exposed) {
    hits.push({
      name: 'security_breach',
      match: `${exposed[0]} … ${data[0]}`,
      reason: `sensitive data ("${data[0]}") is described as exposed ("${exposed[0]}")`,
    });
    return;
  }
  // Many accounts taken over at once is a breach, not one person's compromise.
  const compromise = hits.find((s) => s.name === 'security_compromise');
  const phishing = hits.find((s) => s.name === 'security_phishing');
  const wide = hits.find((s) => s.name === 'scope_company');
  const malware = /病毒|木马|\b(?:malware|virus|worm|trojan)\b/u.exec(norm);
  const massTakeover =
    /中招|被盗|hacked|compromised|entered (?:their )?credentials|taken over|successful logins/u.exec(norm);
  if (wide && (compromise || malware || (phishing && massTakeover))) {
    const what = compromise?.match ?? malware?.[0] ?? massTakeover?.[0] ?? '';
    hits.push({
      name: 'security_breach',
      match: `${wide.match} … ${what}`,
      reason: 'accounts or machines are compromised across the company',
    });
  }
}

/** All signals in a message, at most one per name, in a stable order. */
export function detectSignals(text: string, context: SignalContext = {}): DetectedSignal[] {
  const norm = normalizeText(text);
  const hits: DetectedSignal[] = [];
  detectScope(norm, hits);
  for (const rule of RULES) {
    const m = rule.re.exec(norm);
    if (m) hits.push({ name: rule.name, match: m[0].trim(), reason: rule.reason });
  }
  // A drill or a training course mentions leaks and phishing without anything having happened.
  if (!hits.some((h) => h.name === 'exercise')) detectSecurity(norm, hits);
  if (context.role === 'hr_admin') {
    hits.push({ name: 'role_hr_admin', match: 'role=hr_admin', reason: 'reported by an HR admin' });
  }
  const esc = ESCALATE.exec(norm);
  if (esc) hits.push({ name: 'escalate_command', match: esc[0].trim(), reason: 'an explicit escalation' });
  const reporters = context.reporters ?? 0;
  if (reporters >= 2) {
    hits.push({
      name: 'reporters',
      match: `${reporters} reporters`,
      reason: `${reporters} different people reported the same issue`,
    });
  }
  return hits;
}

/** Signal names as model features, e.g. `s:scope_company`. */
export function signalFeatures(signals: DetectedSignal[], role?: string): string[] {
  const out = signals.map((s) => `s:${s.name}`);
  out.push(`r:${role && role.length > 0 ? role : 'employee'}`);
  return out;
}

export function hasSignal(signals: readonly { name: string }[], name: SignalName): boolean {
  return signals.some((s) => s.name === name);
}
