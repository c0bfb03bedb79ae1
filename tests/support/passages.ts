import type { Passage } from '../../src/knowledge/types.ts';

/** A passage with sensible defaults, for retrieval tests. */
export function passage(p: Partial<Passage> & Pick<Passage, 'source' | 'text'>): Passage {
  return {
    id: `${p.source}#${p.heading ?? ''}`,
    title: p.source,
    heading: '',
    lang: /[\u4e00-\u9fff]/.test(p.text) ? 'zh' : 'en',
    questions: [],
    keywords: [],
    ...p,
  };
}

export const SAMPLE: Passage[] = [
  passage({
    source: 'zh/leave.md',
    title: '如何申请年假',
    heading: '操作步骤',
    text: '登录 e-HR，进入 我的假期 → 申请，选择假期类型“年休假”，填写起止日期后提交，由直属经理审批。',
    questions: ['怎么请年假', '年假在哪里申请'],
  }),
  passage({
    source: 'zh/payslip.md',
    title: '工资单查看',
    heading: '查看工资单',
    text: '每月 10 日发薪，工资单在 e-HR → 我的薪资 → 工资单 查看，需要短信验证码。',
  }),
  passage({
    source: 'zh/housing-fund.md',
    title: '住房公积金提取',
    heading: '购房提取',
    text: '购买自住住房可以申请提取住房公积金，材料齐全的，公积金中心在3日内作出准予提取或者不准提取的决定。',
  }),
  passage({
    source: 'en/password.md',
    title: 'Password reset',
    heading: 'Reset your password yourself',
    text: 'Open the SSO portal, choose "Forgot password", verify with your registered mobile number and set a new password of at least 12 characters.',
    questions: ['how do I reset my password'],
  }),
  passage({
    source: 'en/vpn.md',
    title: 'VPN setup',
    heading: 'Install GlobalProtect',
    text: 'Install the GlobalProtect client from the IT portal, enter vpn.company.example as the portal address and sign in with SSO.',
  }),
  passage({
    source: 'en/payslip.md',
    title: 'Payslips',
    heading: 'Where to find your payslip',
    text: 'Payslips are published on the 10th of each month in e-HR under My pay. An SMS code is needed to open them.',
  }),
];
