/**
 * The words around a reply, in both languages, for every platform's renderer (Lark cards, Slack
 * Block Kit, the web page): one table, so a label reads the same wherever the employee is.
 */
import type { Lang } from '../knowledge/types.ts';

export const REPLY_LABELS = {
  zh: {
    title: 'Helpline 助手',
    agent: '支持工程师回复',
    viaHelpline: '由支持工程师通过 Helpline 转达',
    ticket: '工单',
    severity: '严重程度',
    sla: '首次响应时限',
    status: '状态',
    category: '类别',
    sources: '参考来源',
    moreSources: (n: number) => `…另有 ${n} 条`,
    shortened: '…（内容过长已截断，请查看下方参考来源）',
    openForm: '打开表单',
    formHint: '请填写表单',
  },
  en: {
    title: 'Helpline',
    agent: 'Reply from support',
    viaHelpline: 'Sent by a support engineer via Helpline',
    ticket: 'Ticket',
    severity: 'Severity',
    sla: 'First response due',
    status: 'Status',
    category: 'Category',
    sources: 'Sources',
    moreSources: (n: number) => `…and ${n} more`,
    shortened: '…(shortened — see the sources below)',
    openForm: 'Open the form',
    formHint: 'Fill in the form',
  },
} as const satisfies Record<Lang, unknown>;
