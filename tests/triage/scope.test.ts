/**
 * Scope read from counts, lists and collective phrases, in messages written for this test (not taken
 * from any labelled set): the classes of phrasing the held-out P0s used, in new words.
 */
import { describe, expect, it } from 'vitest';
import { findCounts } from '../../src/triage/counts.ts';
import { normalizeText } from '../../src/triage/features.ts';
import { findPlaceLists } from '../../src/triage/places.ts';
import { detectSignals } from '../../src/triage/signals.ts';

const scopeOf = (text: string) =>
  detectSignals(text).find((s) => s.name.startsWith('scope_'))?.name ?? 'none';
const counts = (text: string) => findCounts(normalizeText(text)).map((c) => [c.value, c.kind]);

describe('counts', () => {
  it.each([
    ['大概有上千人打不了卡', 1000, 'people'],
    ['数百名员工的工资条都没生成', 300, 'people'],
    ['roughly 1.5k folks cannot get into Workday', 1500, 'people'],
    ['800+ employees are locked out', 800, 'people'],
    ['几千人的考勤数据丢了', 3000, 'people'],
    ['a few hundred staff in the warehouse', 300, 'people'],
    ['两百来号人在等', 200, 'people'],
    ['between 50-60 ppl affected', 60, 'people'],
    ['around 2,300 users', 2300, 'people'],
    ['七八个门店', 8, 'small_unit'],
    ['all six regional offices', 6, 'big_unit'],
    ['三个法人主体', 3, 'big_unit'],
    ['17 accounts were locked', 17, 'accounts'],
    ['1,204笔代发失败', 1204, 'people'],
    ['roughly twelve hundred employees', 1200, 'people'],
    ['thirty-five hundred payees', 3500, 'people'],
    ['a couple hundred night-shift workers', 200, 'people'],
  ] as const)('%s → %d %s', (text, value, kind) => {
    expect(counts(text)).toContainEqual([value, kind]);
  });

  it.each([
    'clocked in at 9:05 on the 14th',
    'my pay is $2,300 short',
    'the job took 45 minutes and retried 3 times',
    '第三次失败了',
    '周五之前',
    'error 0x8007000d on build 22631',
    '上个月少了3000块',
    '身份证 110101199003074578 手机 13812345678',
    'card 6222021234567890123 devices',
  ])('not a count of people or places: %s', (text) => {
    expect(counts(text).filter(([, kind]) => kind !== 'other')).toEqual([]);
  });
});

describe('lists of places', () => {
  it.each([
    ['广州、武汉、西安的同事都说登不上OA', 3],
    ['the Tokyo and Seoul offices cannot reach the VPN', 2],
    ['北京 上海 深圳 都不行', 3],
    ['finance, legal and procurement cannot open the expense tool', 3],
    ['行政、仓库和培训的电脑都开不了机', 3],
    ['recruiting, admin and warehouse folks all get the error', 3],
    ['AP, AR and tax are all locked out of the ERP', 3],
    ['苏州厂无锡厂的打卡机都没数据', 2],
  ])('%s', (text, names) => {
    const lists = findPlaceLists(normalizeText(text));
    expect(lists.length).toBeGreaterThan(0);
    expect(lists[0].names.length).toBe(names);
  });

  it.each([
    '我这层和楼下的都连不上',
    '3楼和5楼的打卡机都黑屏了',
    'wifi is down on the 3rd, 4th and 5th floors',
    '排班表把我排到了虹桥店，我是外滩店的',
    'since the printer driver update, accounts team cannot print',
    'March bonus, Lisbon office, nine people missing it',
  ])("floors of one building, or one person's two stores, are not a list of sites: %s", (text) => {
    expect(findPlaceLists(normalizeText(text))).toEqual([]);
  });

  it.each([
    'the Munich office is down, Berlin and Hamburg are fine',
    '除了北京和上海，其他地方都没事',
    'I moved from Shanghai to Beijing last month and my leave balance is wrong',
  ])('not a list of affected places: %s', (text) => {
    expect(
      findPlaceLists(normalizeText(text)).filter((l) => l.kind === 'city' && l.names.length >= 2),
    ).toEqual([]);
  });
});

describe('units named by a generic modifier are not named units', () => {
  it.each([
    '换了部门以后看不到新部门的文件夹，原部门的还能看',
    '调到新门店以后排班对不上，原门店那边正常，这个门店的店长也看不到我',
  ])('%s', (text) => {
    expect(scopeOf(text)).not.toBe('scope_wide');
  });
});

describe('scope level', () => {
  it.each([
    ['everyone I have talked to today is locked out of email', 'scope_wide'],
    ['all remote staff lost the VPN this morning', 'scope_wide'],
    ['most of the company cannot see their payslips', 'scope_wide'],
    ['广州、武汉、西安的同事都说登不上OA', 'scope_wide'],
    ['大概有上千人打不了卡', 'scope_wide'],
    ['远程办公的同事基本都连不上', 'scope_wide'],
    ['全国的门店今天都打不了卡', 'scope_wide'],
    ['the whole company is locked out', 'scope_company'],
    ['Only the Lyon office is affected, the other sites are fine', 'scope_group'],
    ['整个客服部今天都登不上系统', 'scope_group'],
    ['about 40 people on the night shift got no allowance', 'scope_count'],
    ['two people on my team cannot clock in', 'scope_few'],
    ['my colleagues are fine, only my login fails', 'scope_self'],
    ['my laptop will not boot', 'scope_self'],
    ['我的工资条打不开', 'scope_self'],
    ["when I open my payslip I see someone else's salary", 'none'],
    ['the VPN keeps dropping', 'none'],
    // One address, not a list of buildings (a follow-up answering "where are you?").
    ['Building B, 3rd floor', 'none'],
    ['the printer in building B, 3rd floor is jammed', 'none'],
  ])('%s → %s', (text, level) => {
    expect(scopeOf(text)).toBe(level);
  });

  it('"or is it just me?" leaves its own sentence unsure, not the next one', () => {
    expect(scopeOf('is the portal down or is it just me? the login page spins')).not.toBe('scope_company');
    expect(scopeOf('is the portal down or is it just me? ok, nobody can get in, whole channel says so')).toBe(
      'scope_company',
    );
  });

  it('"or is it just me?" answered in the same message by others who have it too, or by a list of places', () => {
    expect(scopeOf('is the wiki down or just me? my whole row says same')).not.toBe('scope_self');
    expect(scopeOf('is the wiki down or just me? it spins forever')).toBe('scope_self');
    expect(
      scopeOf('is payroll down or is it just me? staff in sales office, legal and finance get errors'),
    ).toBe('scope_wide');
    expect(scopeOf('approvals stuck; leads in Kunming, Dali and regional HQ see the same')).toBe(
      'scope_wide',
    );
  });

  it('everyone of one site is that site, when the site is named or the rest are said to be fine', () => {
    expect(scopeOf('深圳office全员的门禁卡都失效了')).not.toBe('scope_company');
    expect(scopeOf('所有人的邮箱都收不到信，上海的倒是正常')).not.toBe('scope_company');
    expect(scopeOf('所有人的邮箱都收不到信')).toBe('scope_company');
    expect(
      scopeOf('Harbour View only: about 450 staff have no roster, the other two hotels are fine'),
    ).not.toBe('scope_wide');
  });

  it('everyone of a team named first is that team; a count of sub-branches is several sites', () => {
    expect(scopeOf('all of the Wuhan support team got logged out and it fails for every one of us')).not.toBe(
      'scope_company',
    );
    expect(scopeOf('宁波仓这边所有人都打不了卡')).not.toBe('scope_company');
    expect(scopeOf('SZ 这边所有人的企业微信都登不上')).not.toBe('scope_company');
    expect(scopeOf('none of our 12 sub-branches can open the teller app')).toBe('scope_wide');
    expect(scopeOf('已确认60+个网点无法办理业务')).toBe('scope_wide');
    expect(scopeOf('全行的柜员今天都登不上核心系统')).toBe('scope_company');
    expect(scopeOf('考勤机打卡记录一直是空的，听说全国的仓都一样')).toBe('scope_wide');
  });

  it('a count limited to one site needs a thousand people to be wide', () => {
    expect(
      scopeOf('the Pune plant only: about 450 workers have no schedule, other plants are fine'),
    ).not.toBe('scope_wide');
    expect(scopeOf('about 450 workers have no schedule')).toBe('scope_wide');
  });

  it('"everyone\'s data" is what is exposed, not who is affected; a condition is a risk, not an outage', () => {
    expect(scopeOf("she has permission to view everyone's salaries")).not.toBe('scope_company');
    expect(scopeOf('if the cert lapses, nobody can log in tomorrow')).not.toBe('scope_company');
  });
});
