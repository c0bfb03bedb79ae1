/** What the bot says in chat outside answers and tickets: help, status, the payroll form's replies. */
import type { Lang } from '../knowledge/types.ts';
import type { Ticket } from '../tickets/types.ts';

export const CHAT_TEXT = {
  en: {
    help: [
      '*Helpline* answers HR and IT questions from the company knowledge base, with sources.',
      '• Ask me anything: "How do I request annual leave?"',
      '• Report a problem ("clock-in is down for everyone") and I open a ticket for the support team.',
      '• Say "talk to a human" at any time to reach an engineer.',
      '• `/helpline status` lists your open tickets.',
      '• HR admins: `/helpline escalate` (or "escalate" in a DM) reports a payroll anomaly.',
    ].join('\n'),
    talkToHuman: 'Talk to a human',
    noTickets: 'You have no open tickets.',
    openTickets: (n: number) => `Your open tickets (${n}):`,
    formPrompt: 'Fill in the form below; the details go only to payroll support.',
    formRefused:
      'Only HR admins can report payroll anomalies this way. Describe the problem in a message and I will open a ticket.',
    formIncomplete: (missing: string[]) =>
      `The form is missing: ${missing.join(', ')}. Please submit it again.`,
    payrollOpened: (t: Ticket) =>
      `Payroll anomaly reported as ticket ${t.number} · ${t.severity}. Details are visible only to payroll support; I'll post updates here.`,
    payrollDetails: 'Payroll anomaly — full details (confidential)',
    escalated: (t: Ticket) => `Escalated to L2 as ticket ${t.number} · ${t.severity} (${t.category}).`,
  },
  zh: {
    help: [
      '*Helpline* 根据公司知识库回答人事和 IT 问题，并附上出处。',
      '• 直接提问：“怎么请年假？”',
      '• 报告问题（“打卡系统全员进不去”），我会为支持团队创建工单。',
      '• 随时说“转人工”即可联系工程师。',
      '• `/helpline status` 查看你未关闭的工单。',
      '• HR 管理员：`/helpline escalate`（或私聊发送“上报”）上报薪资异常。',
    ].join('\n'),
    talkToHuman: '转人工',
    noTickets: '你没有未关闭的工单。',
    openTickets: (n: number) => `你未关闭的工单（${n}）：`,
    formPrompt: '请填写下面的表单；详细信息只会发给薪资支持人员。',
    formRefused: '只有 HR 管理员可以用这种方式上报薪资异常。请直接描述问题，我会为你创建工单。',
    formIncomplete: (missing: string[]) => `表单缺少：${missing.join('、')}。请重新提交。`,
    payrollOpened: (t: Ticket) =>
      `薪资异常已上报，工单 ${t.number} · ${t.severity}。详细信息仅薪资支持人员可见；进展会在这里通知你。`,
    payrollDetails: '薪资异常 — 完整信息（保密）',
    escalated: (t: Ticket) => `已升级到 L2，工单 ${t.number} · ${t.severity}（${t.category}）。`,
  },
} as const satisfies Record<Lang, unknown>;

/** "escalate" / "上报" (optionally followed by ":" and details): an HR admin asking for the form. */
export const ESCALATE_COMMAND = /^\s*(?:escalate|上报)(?:\s*[:：]|\s|$)/i;

export function ticketLine(t: Ticket): string {
  return `• ${t.number} · ${t.severity} · ${t.status} — ${t.title}`;
}
