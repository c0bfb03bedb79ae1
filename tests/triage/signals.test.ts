import { describe, expect, it } from 'vitest';
import { type DetectedSignal, detectSignals, type SignalName } from '../../src/triage/signals.ts';

const names = (text: string, role?: string, reporters?: number) =>
  detectSignals(text, { role, reporters }).map((s) => s.name);
const find = (text: string, name: SignalName): DetectedSignal | undefined =>
  detectSignals(text).find((s) => s.name === name);

describe('scope', () => {
  it.each([
    '全员无法登录OA',
    '考勤系统挂了，全公司都打不了卡',
    '请假系统报错，各个部门的人都在问',
    'clock-in is down for everyone',
    'the whole company is locked out of email',
    'payroll for all 3 plants went out wrong',
    'SSO is down, nobody can log in',
    'VPN is down and no remote employee in the company can connect',
  ])('company-wide: %s', (text) => {
    expect(names(text)).toContain('scope_company');
  });

  it.each([
    ['上海分公司所有人的打卡都失败了', '所有人'],
    ['我们深圳办公室今天所有人打卡都失败', '深圳办公室'],
    ['everyone on the sales team lost access', 'everyone'],
    ['the whole Leeds site has no schedule', 'whole leeds site'],
    ['nobody on the customer success team can log in', 'nobody'],
    ['整个财务部今天都登不上报销系统', '整个财务部'],
    ["half my team can't clock in", 'half my team'],
  ])('a team or site, not the company: %s', (text, match) => {
    const n = names(text);
    expect(n).not.toContain('scope_company');
    expect(n).toContain('scope_group');
    expect(find(text, 'scope_group')?.match).toContain(match);
  });

  it('counts of five or more people are a weaker group signal', () => {
    expect(find('三十多个人都打不上卡', 'scope_count')?.match).toBe('三十多个人');
    expect(find("~40 people's hours aren't in", 'scope_count')).toBeDefined();
    expect(find("~400 people's hours aren't in", 'scope_wide')).toBeDefined();
    expect(names('my 2 payslips are wrong')).not.toContain('scope_count');
  });

  it('a company word about what the writer alone cannot see is not company scope', () => {
    expect(names("I can't see everyone's schedule in the team view")).not.toContain('scope_company');
  });
});

describe('security', () => {
  it.each([
    '招聘系统的链接被发到外部群里了，不用登录就能看所有候选人的身份证号',
    "salary spreadsheet with every employee's bank details was shared publicly via link",
    'we found the HR export bucket open to the internet, it contains SSNs',
    'ransomware on the file server, shared drives are encrypted',
    '员工花名册被外包人员拷走了',
    'credential-stuffing wave on the HR portal',
    'the SFTP password for the bank file is sitting in a public GitHub repo since March',
    '财务共享的数据库口令被人贴到了gitee公开项目里',
    "just noticed I can view everyone's payslips from the 'Org' tab, is that expected?",
    '我居然能查到全公司的绩效和奖金',
    'the vendor key we revoked yesterday was still used at 3am to export timesheets',
    '前台打印机上放着一叠打印出来的工资条，谁经过都能看到',
    'the bonus letter went out with 600 addresses in CC, each PDF shows name and salary',
    '系统提示我的账号昨晚导出了全厂的工资明细，那时候我在睡觉',
    "our recruiter's inbox now has a rule forwarding every email to an outside gmail",
    '把链接最后的工号换一个数字，就能看到别人的工资和银行卡',
    'an intern lost a USB stick with the bonus spreadsheet on the bus; it was not encrypted',
    '食堂门口贴了一张名单，上面有每个人的工号和体检结果，有人拍了发朋友圈',
    "a text 'from HR' asked us to verify our bank details, I did it and so did half the team",
    'shared the bonus workbook in a meeting invite by mistake, 9 external attendees can open it',
    '上周离职的那个财务主管，账号还没停，日志显示他昨晚访问过工资表',
    'a former contractor can still log in to the HRIS and has exported the employee records twice',
    'wo de laptop diu le zai taxi, mei you bitlocker, 里面有员工的身份证扫描件',
    'the payroll chat turns out to have two external members, and the bank details sheet was posted there',
    'since I ran that macro, files on our finance shared drive keep getting renamed',
    '财务共享盘里的文件一直被重命名，后缀都变了',
    'a delivery guy walked off with the payroll laptop from reception; it was unlocked and has the commission sheet',
    '出租车上落下了笔记本，里面有员工花名册，不记得开没开 BitLocker',
    'left my laptop at the airport lounge, not sure if it was encrypted, it holds the customer KYC files',
  ])('breach: %s', (text) => {
    expect(names(text)).toContain('security_breach');
  });

  it.each([
    "someone reset my password and changed my MFA phone number, it wasn't me",
    '我的邮箱被盗了，有人用我的邮箱发借钱消息',
    "my account is sending emails I didn't write, I think I've been hacked",
    '我的工号被人拿去提了付款申请，不是我提的',
    'the survey link asked for my login and I typed my pw before noticing the domain',
    'black windows keep opening by themselves on my laptop since this morning',
    '系统提醒我的邮箱账号在成都登录了，我人一直在广州',
  ])('account compromise: %s', (text) => {
    expect(names(text)).toContain('security_compromise');
    expect(names(text)).not.toContain('security_breach');
  });

  it.each([
    'a leaking tap in the office kitchen',
    "there's water leaking from the ceiling in the hallway",
    '茶水间的水龙头一直在漏水',
    'the sync worker leaks memory and restarts, the database is fine',
    'I hacked together a spreadsheet to track leave',
    "my dependent was removed from my plan and I didn't ask for that",
    "could someone pull a list of who hasn't done the security training",
    '工资条上写的银行卡号不是我的卡',
  ])('near-miss, no breach or compromise: %s', (text) => {
    const n = names(text);
    expect(n).not.toContain('security_breach');
    expect(n).not.toContain('security_compromise');
  });

  it('a declined phishing attempt is phishing with no harm done', () => {
    const n = names('有人冒充IT在飞书上加我，让我把验证码发给他，我没理他');
    expect(n).toEqual(expect.arrayContaining(['security_phishing', 'no_harm']));
    expect(n).not.toContain('security_compromise');
  });

  it('a how-to question about phishing is marked hypothetical', () => {
    expect(names('how do I report a phishing email? just want to know')).toEqual(
      expect.arrayContaining(['security_phishing', 'hypothetical']),
    );
  });

  it('compromise across the company becomes a breach', () => {
    expect(
      names('phishing hit the whole company, dozens of people entered credentials and accounts are hacked'),
    ).toContain('security_breach');
  });
});

describe('urgency, money, legal', () => {
  it.each([
    ['今天发薪日，我一分钱没收到', 'urgency_payday'],
    ['Pay landed today and tax withheld is 40% of my gross', 'urgency_payday'],
    ['payroll locks tomorrow noon', 'urgency_deadline'],
    ['考勤周五就锁定了', 'urgency_deadline'],
    ['审批卡住了，没法干活', 'urgency_blocked'],
    ["I'm blocked, can't submit anything", 'urgency_blocked'],
    ['工资算错了，少发了两千', 'money'],
    ['my check is $1,800 short', 'money'],
    ['再不解决我就去劳动仲裁', 'legal'],
    ['this could end up with the labor bureau', 'legal'],
  ] as const)('%s → %s', (text, name) => {
    expect(names(text)).toContain(name);
  });

  it('asking when payday is mentions payday but is not money trouble', () => {
    expect(names('when is payday this month?')).not.toContain('money');
  });
});

describe('human request, role, reporters', () => {
  it.each([
    '转人工',
    '找人工客服',
    '能不能让IT的同事直接给我打个电话',
    'talk to a human please',
    'can I speak to a real person',
    'agent',
  ])('human: %s', (text) => {
    expect(names(text)).toContain('human_request');
  });

  it.each([
    '人工智能是什么',
    '有个陌生号码打电话说是HR，要我的银行卡号，我挂了',
    'the agent field in the report is empty',
  ])('not a human request: %s', (text) => {
    expect(names(text)).not.toContain('human_request');
  });

  it('reports the hr_admin role and the escalate command', () => {
    expect(names('escalate: 18个新员工的工资条没生成', 'hr_admin')).toEqual(
      expect.arrayContaining(['role_hr_admin', 'escalate_command']),
    );
    expect(names('escalate: 18个新员工的工资条没生成', 'employee')).not.toContain('role_hr_admin');
  });

  it('reports distinct reporters', () => {
    expect(find('打卡系统进不去', 'reporters')).toBeUndefined();
    expect(detectSignals('打卡系统进不去', { reporters: 6 }).find((s) => s.name === 'reporters')?.match).toBe(
      '6 reporters',
    );
  });

  it('every signal carries the matched text and a reason', () => {
    for (const s of detectSignals('全公司今天发薪日工资都没到账，转人工！', {
      role: 'hr_admin',
      reporters: 3,
    })) {
      expect(s.match.length).toBeGreaterThan(0);
      expect(s.reason.length).toBeGreaterThan(0);
    }
  });
});

// General cues added while measuring the chatops and mobile writers' tune halves as unseen voices:
// the classes DESIGN §3 names, in words the earlier sets did not use (written for this test, not
// copied from any set).
describe('scope, impact and compromise in other words', () => {
  it.each<[string, SignalName]>([
    ['two teams in the warehouse cannot scan anything', 'scope_group'],
    ['全国的门店都登不上收银系统', 'scope_wide'],
    ['the Madrid office only, Lisbon and Porto are fine', 'limited_scope'],
    ['the whole intranet is dead since the switch upgrade', 'outage'],
    ['排班表全空了', 'outage'],
    ['考勤机的数据今天同步不上来', 'outage'],
    ['my bonus came out 2x the usual amount', 'money'],
    ['the board pack is due in 2 hours and the headcount tab is empty', 'urgency_deadline'],
    ['两小时后就要开会，报表还是空的', 'urgency_deadline'],
    ['he asked for the SMS code and I read it out, 验证码我念了', 'security_compromise'],
    ['my cursor is moving by itself and opening folders', 'security_compromise'],
    ['got three login codes I never requested this morning', 'security_compromise'],
    ['收到好几条验证码，我没申请过', 'security_compromise'],
    ['那个“社保基数确认”短信里的链接要我们填工号和密码，仓库组的人都填了', 'security_compromise'],
    [
      "the 'benefits enrolment' email asked for our Okta password and my whole pod already typed it",
      'security_compromise',
    ],
    ['each warehouse lost its label printers after the update', 'scope_wide'],
    ['all our APAC branches are stuck on the old price list', 'scope_wide'],
    ['每家门店的收银都登不上', 'scope_wide'],
    ['公司网络全都断了，什么都打不开', 'scope_wide'],
    ['the grads got no overtime pay for November', 'money'],
    ['夜班补贴那一项这个月全是0', 'money'],
    ["our department's leave approvals stopped routing this morning", 'scope_group'],
    ['app显示工资已发放，可是卡里还是没钱', 'pay_failed'],
    ["night shift premium didn't apply for anyone on the Leeds roster", 'money'],
    ['the card readers in all the east midlands depots are offline', 'scope_wide'],
    ['sample checked across Ohio and Kentucky, none got the raise', 'scope_wide'],
    [
      "two of my leads found their direct deposit switched to an account they don't recognise",
      'security_compromise',
    ],
    ['WMS login fails at Tay Ninh, Can Tho and Vung Tau, basically our entire delta network', 'scope_wide'],
    ['单点登录报错，被锁的有两千多，原因不明', 'scope_wide'],
    ['沙田、荃灣、觀塘三個倉的掃描槍都用唔到', 'scope_wide'],
    ['ERP outage, impacted: ~2k users across finance', 'scope_wide'],
    ['state tax withheld twice on this run for the whole plant', 'money'],
    ["she got an MFA prompt she didn't trigger at 2am", 'security_compromise'],
  ])('%s → %s', (text, name) => {
    expect(names(text)).toContain(name);
  });

  it.each([
    'the login page asked for my password and I typed it, still spinning',
    '登录的时候要输入密码，我输了还是报错',
    'how should I keep my GitHub password safe?',
    'can managers see everyone’s salaries?',
    'I left my laptop at home, is the VPN client not encrypted by default?',
    'how do I set up forwarding of my mail to my phone?',
    'the new starter email asked me to enter my temporary password and I did it, all good now',
    'I left the company last month, can I still see my old payslips?',
    '离职员工的工资条还能下载吗',
  ])('a password typed into the real login, or a question: no compromise or breach: %s', (text) => {
    const n = names(text);
    expect(n).not.toContain('security_breach');
    expect(n).not.toContain('security_compromise');
  });

  it('sees other people’s pay, for more than one person: a breach', () => {
    expect(
      names('my pay page shows somebody else salary and my teammates also see other ppl payslips'),
    ).toContain('security_breach');
  });
});
