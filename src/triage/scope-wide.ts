/**
 * Evidence that a problem spans sites (scope_wide in signals-scope.ts): a list of sites, cities or
 * departments (places.ts), a count of many units or hundreds of people (counts.ts), or a phrase for
 * most of the company or a whole region.
 */
import { type Count, findCounts } from './counts.ts';
import { findPlaceLists } from './places.ts';
import { wb } from './signal-types.ts';

/**
 * People (or their accounts, payslips, payments) from which an issue is wider than one site's team:
 * the labelled sets put a single site of 200–300 at P1 and 400+ across sites at P0. A count limited to
 * one unit ("only the Shenzhen plant", "其他分公司正常") needs LIMITED_WIDE_PEOPLE.
 */
const WIDE_PEOPLE = 400;
const LIMITED_WIDE_PEOPLE = 1000;
/** Offices, cities, entities or regions from which the issue spans sites. */
const WIDE_BIG_UNITS = 2;
/** Departments from which the issue spans "many departments". */
const WIDE_DEPARTMENTS = 3;
/**
 * Stores, teams, floors, shifts or workshops from which the issue spans sites: three, as for
 * departments (was 10; chosen on the forwarded and frontline tune halves scored as unseen voices,
 * where "four workshops" and "three shifts" were P0 to their writers).
 */
const WIDE_SMALL_UNITS = 3;

// A large share of everyone: "most of the company", "everyone I asked", "远程办公的基本都".
const MOST_EN = wb(
  /\b(?:most|the majority|(?:a )?(?:large|big|huge) (?:part|chunk|share)) of (?:the |our )?(?:company|org|organi[sz]ation|staff|employees|workforce|people|users|us)\b|\b(?:basically|pretty much|almost|nearly|practically) (?:everyone|everybody|all of us|all (?:the )?(?:staff|employees|users))\b|\beveryone (?:i|we)(?:'ve| have)? (?:asked|know|talked to|checked with|spoke to|called|pinged)\b|\ball (?:of )?(?:our |the )?(?:remote|field|hourly|frontline|front-line|store|shop-floor|night[- ]shift|contract|overseas|china|us|uk|apac|emea) (?:staff|employees|workers|users|people|teams|colleagues|folks)\b|\b(?:all of|across|throughout) (?:apac|emea|amer|latam|the region|the country)\b|\b(?:our |the )?(?:whole|entire) (?:[a-z]+ )?(?:network|chain|estate|fleet) of (?:stores|shops|sites|warehouses|dcs|branches)\b|\b(?:our|the) (?:whole|entire) (?:[a-z]+ )?(?:network|estate|fleet)\b|\b(?:the )?(?:whole|entire) (?:apac|emea|amer|americas|latam|asia|asia-pacific|europe|china|india|region|country)\b|\b(?:anyone|everyone|everybody|nobody|no one|all users|all staff) (?:in|across|from|based in) (?:apac|emea|amer|latam|asia|europe|china|north america|the region|the country|[a-z]+ region)\b|\b(?:nationwide|region-wide|countrywide|globally|worldwide|world-wide)\b|\b(?:half|a third|a quarter|two thirds|\d{2}%)(?: of)? (?:the |our )?(?:company|org|organi[sz]ation|staff|employees|workforce|users|people)\b|\b(?:every|each|all(?: of)?(?: our| the| \d+)?(?: [a-z]+)?) (?:dcs?|distribution cent(?:er|re)s?|fulfil?ment cent(?:er|re)s?|warehouses?|stores?|shops?|branch(?:es)?|plants?|sites?|offices?|depots?|hubs?|regions?|locations?|factories|factory|campus(?:es)?|subsidiar(?:y|ies)|entit(?:y|ies)|countr(?:y|ies))\b|\b(?:the|our|all(?: the)?) (?!same |other |new |old |local |nearby |main )[a-z]+(?: [a-z]+)? (?:stores|branches|sites|warehouses|plants|depots|factories|hubs|dcs|restaurants|outlets)\b|\bacross (?:the )?[a-z]+(?: [a-z]+)? (?:and|&) (?:the )?[a-z]+(?: [a-z]+)?(?= (?:stores|sites|offices|regions|branches|teams)|[,.!?]| none| all| every)|\b(?:multiple|several|many|various|different|a number of|a bunch of) (?:teams|floors|buildings|stores|shops|warehouses|depots|plants|sites|offices|branches|locations|squads|business units)\b|\ball (?:of )?(?:the |our )?(?:apis|services|systems|integrations|endpoints|tenants|environments) (?:are |were )?(?:down|failing|erroring|unavailable|timing out)\b/u,
);
const MOST_ZH = wb(
  /大部分(?:人|同事|员工|部门)|大多数(?:人|同事|员工|部门)?|绝大多数|绝大部分|几乎所有|几乎全部|基本(?:上)?(?:所有人|全部|都(?:连不上|登不上|进不去|用不了|打不开|打不上|收不到))|全国(?:各地|的|所有|二十|\d|[一二三四五六七八九十几]+个)|全国(?=\p{Script=Han}{0,6}(?:都|全)(?:登|打|进|用|连|收|看|上|没|不|一样|这样))|各个?(?:门店|分公司|城市|地区|园区|仓库|仓|工厂|厂区|基地|网点|站点|办公室|分部|事业部|子公司)|(?:所有|每个|每一个|每家|全部)(?:的)?(?:门店|网点|城市|分公司|主体|法人|仓库|仓|工厂|厂区|基地|站点|办公室|园区|子公司|事业部)|(?:远程办公|在家办公|居家办公|居家|在家|外地|异地办公)的(?:人|同事|员工)?(?:基本|几乎)?(?:都|全)|公司(?:的)?(?:邮箱|邮件|网络|内网|wifi|vpn|oa|erp|电话|系统)[^，。,.!！?？]{0,4}(?:全都|全部|都|全)(?:挂|收不到|发不出|连不上|用不了|打不开|登不上|进不去|断)|所有(?:没|未|不)[^，。,.!！?？]{1,14}的(?:人|同事|员工)|(?:一半|半数)以上的?(?:人|员工|同事)|全体员工群|全员群|公司大群|(?:所有|全部)(?:的)?(?:接口|系统|服务|集成方)|(?:api|接口|服务|系统|集成方)(?:全部|全都|全在|都在)(?:挂|失败|报错|不可用|宕|超时)/u,
);
function isDepartment(c: Count): boolean {
  return /部门|事业部|department|dept|division/u.test(c.text);
}

export function wideEvidence(norm: string, limited: boolean): { match: string; reason: string } | undefined {
  for (const list of findPlaceLists(norm)) {
    const what =
      list.kind === 'department' ? 'several departments' : 'several sites, departments or buildings';
    return { match: list.text, reason: `"${list.text}" names ${what}` };
  }
  const counts = findCounts(norm);
  for (const c of counts) {
    if (c.kind === 'big_unit' && c.value >= (isDepartment(c) ? WIDE_DEPARTMENTS : WIDE_BIG_UNITS))
      return {
        match: c.text,
        reason: `"${c.text}": ${isDepartment(c) ? 'several departments' : 'several sites, cities or entities'}`,
      };
    if (c.kind === 'small_unit' && c.value >= WIDE_SMALL_UNITS)
      return { match: c.text, reason: `"${c.text}": many stores, teams or floors` };
  }
  const most = MOST_ZH.exec(norm) ?? MOST_EN.exec(norm);
  if (most) return { match: most[0], reason: `"${most[0]}" says most of the company or a whole region` };
  const min = limited ? LIMITED_WIDE_PEOPLE : WIDE_PEOPLE;
  const many = counts.find((c) => (c.kind === 'people' || c.kind === 'accounts') && c.value >= min);
  if (many) return { match: many.text, reason: `"${many.text}" counts ${min} or more people` };
  return undefined;
}
