/**
 * Forms the bot asks people to fill in, platform-neutral (rendered as a Lark form card or a Slack
 * modal). One today: the payroll-anomaly escalation of an HR admin (DESIGN §2 flow 4).
 */
import type { Lang } from '../knowledge/types.ts';

export interface FormField {
  /** Key of the value in the submission. */
  name: string;
  label: string;
  kind: 'text' | 'number' | 'multiline';
  required: boolean;
  placeholder?: string;
}

export interface FormSpec {
  /** Stable id, sent back with the submission. */
  id: string;
  title: string;
  fields: FormField[];
  submitLabel: string;
}

export const PAYROLL_FORM = 'payroll_anomaly';

const PAYROLL = {
  en: {
    title: 'Report a payroll anomaly',
    period: ['Payroll period', 'e.g. 2026-10'],
    affected: ['Employees affected', 'e.g. 37'],
    discrepancy: ['Discrepancy', 'e.g. housing fund deducted twice, ¥1,200 each'],
    description: ['Description', 'What happened, since when, who noticed'],
    submit: 'Send to payroll support',
  },
  zh: {
    title: '上报薪资异常',
    period: ['薪资期间', '例如 2026-10'],
    affected: ['受影响人数', '例如 37'],
    discrepancy: ['差异说明', '例如 公积金重复扣除，每人 1200 元'],
    description: ['详细描述', '发生了什么、从何时开始、谁发现的'],
    submit: '提交给薪资支持',
  },
} as const;

export function payrollForm(lang: Lang): FormSpec {
  const t = PAYROLL[lang];
  const field = (name: 'period' | 'affected' | 'discrepancy' | 'description', kind: FormField['kind']) => ({
    name,
    label: t[name][0],
    placeholder: t[name][1],
    kind,
    required: true,
  });
  return {
    id: PAYROLL_FORM,
    title: t.title,
    fields: [
      field('period', 'text'),
      field('affected', 'number'),
      field('discrepancy', 'text'),
      field('description', 'multiline'),
    ],
    submitLabel: t.submit,
  };
}

/** The form with this id, in `lang`; undefined for an unknown id. */
export function formById(id: string, lang: Lang): FormSpec | undefined {
  return id === PAYROLL_FORM ? payrollForm(lang) : undefined;
}
