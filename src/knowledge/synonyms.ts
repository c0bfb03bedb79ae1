/**
 * HR synonym groups: a query that says one member also searches the others (at a lower weight),
 * so "工钱" finds passages that say "工资" and "pay stub" finds "payslip".
 * Operators extend this in helpline.config.yaml (`synonyms:`).
 */
import { normalize } from './tokenize.ts';

export const DEFAULT_SYNONYMS: string[][] = [
  // Leave and time off
  ['请假', '休假'],
  ['年假', '年休假', '带薪假', '带薪年休假'],
  ['病假', '病休', '医疗期'],
  ['产假', '生育假', '生孩子', '生娃', '分娩'],
  ['陪产假', '护理假'],
  ['放假', '休假', '假日'],
  ['调休', '补休'],
  ['国庆', '国庆节', '十一'],
  ['劳动节', '五一'],
  ['春节', '过年', '农历新年'],
  // Working time and overtime
  ['加班', '延长工作时间'],
  ['加班费', '加班工资'],
  ['上班时间', '工作时间', '工时'],
  ['兼职', '非全日制用工', '非全日制'],
  ['补卡', '补打卡', '漏打卡', '考勤更正'],
  ['打卡', '考勤'],
  // Pay
  ['工资', '薪资', '薪水', '工钱', '薪酬', '报酬', '月薪'],
  ['扣工资', '扣钱', '代扣', '扣除'],
  ['拖欠工资', '欠薪', '克扣', '拖欠'],
  ['工资条', '工资单', '工资清单'],
  ['个税', '个人所得税'],
  // Social insurance and housing fund
  ['五险一金', '社保公积金'],
  // 社保 → 社会保险 and 医保 → 医疗保险 are learned from each KB's own compounds (abbreviations.ts).
  ['失业金', '失业保险金'],
  ['公积金', '住房公积金'],
  ['工伤', '因工受伤', '工伤认定'],
  ['去世', '死亡', '过世', '身故'],
  ['家属', '近亲属', '亲属'],
  // Contracts, resignation and dismissal
  ['公司', '用人单位', '单位', '企业'],
  ['员工', '职工', '劳动者'],
  ['合同', '劳动合同'],
  ['转正', '试用期满'],
  ['辞职', '离职', '解除劳动合同', '提出解除'],
  ['辞退', '开除', '炒鱿鱼', '解除劳动合同'],
  ['裁员', '被裁', '裁人', '裁减人员'],
  ['赔偿', '补偿', '经济补偿', '赔偿金'],
  ['竞业', '竞业限制'],
  ['怀孕', '孕期', '孕妇'],
  ['老婆', '妻子', '配偶'],
  ['报销', '费用报销'],
  ['电脑', '笔记本', '笔记本电脑'],
  // English
  ['payslip', 'pay stub', 'paystub', 'pay slip', 'earnings statement'],
  ['pto', 'annual leave', 'vacation', 'paid time off'],
  ['sick day', 'sick leave'],
  ['time off', 'leave'],
  ['salary', 'pay', 'wage', 'compensation'],
  ['reimbursement', 'expense claim', 'reimburse', 'voucher'],
  ['password', 'passphrase', 'passcode'],
  ['laptop', 'computer', 'equipment'],
  ['2fa', 'mfa', 'two-factor', 'multi-factor'],
  ['timesheet', 'timecard', 'time card'],
  ['overtime', 'extra hours', 'comp time'],
  ['maternity', 'paternity', 'parental leave'],
  ['fired', 'terminated', 'termination'],
  ['quit', 'resign', 'resignation', 'leave the company'],
  ['manager', 'supervisor'],
  ['ooo', 'out of office'],
  ['wfh', 'telework', 'remote work'],
  ['login', 'log in', 'sign in'],
];

export interface SynonymTable {
  /** For each normalized phrase, how to find it in a text and the other phrases of its groups. */
  readonly expansions: Map<string, { find: (text: string) => boolean; others: string[] }>;
}

export function synonymTable(groups: string[][]): SynonymTable {
  const expansions: SynonymTable['expansions'] = new Map();
  for (const group of groups) {
    const norm = group.map(normalize);
    for (const phrase of norm) {
      const others = norm.filter((p) => p !== phrase);
      const known = expansions.get(phrase);
      expansions.set(phrase, {
        find: finder(phrase),
        others: [...new Set([...(known?.others ?? []), ...others])],
      });
    }
  }
  return { expansions };
}

/** Phrases to add to a query: the synonyms of every group member the query mentions. */
export function expand(query: string, table: SynonymTable): string[] {
  const q = normalize(query);
  const added = new Set<string>();
  for (const { find, others } of table.expansions.values()) {
    if (!find(q)) continue;
    for (const o of others) if (!table.expansions.get(o)?.find(q)) added.add(o);
  }
  return [...added];
}

/** Latin phrases match whole words ("pay" is not in "payroll"); Chinese ones match anywhere. */
function finder(phrase: string): (text: string) => boolean {
  if (!/^[\x20-\x7e]+$/.test(phrase)) return (text) => text.includes(phrase);
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:^|[^a-z0-9])${escaped}(?:$|[^a-z0-9])`);
  return (text) => text.includes(phrase) && re.test(text);
}
