/** What the employee is told about their ticket, in their language. */
import type { Lang } from '../knowledge/types.ts';
import type { Severity, SeverityPolicy } from '../sla/types.ts';
import { TICKET_WORDS } from '../tickets/ticket-words.ts';

export const CATEGORY_ZH: Readonly<Record<string, string>> = TICKET_WORDS.zh.categories;

/** "4 business hours", "15 minutes", "1 business day" — from the policy, in words. */
export function targetText(p: SeverityPolicy, lang: Lang): string {
  const business = p.calendar !== '24x7';
  if (p.firstResponseDays) {
    const d = p.firstResponseDays;
    return lang === 'zh' ? `${d} 个工作日` : `${d} business day${d === 1 ? '' : 's'}`;
  }
  const m = p.firstResponseMinutes;
  if (m % 60 === 0) {
    const h = m / 60;
    return lang === 'zh'
      ? `${h} ${business ? '个工作小时' : '小时'}`
      : `${h} ${business ? 'business ' : ''}hour${h === 1 ? '' : 's'}`;
  }
  return lang === 'zh' ? `${m} 分钟` : `${m} minutes`;
}

/** A deadline on the company's clock, its zone named ("12月8日周二 10:00 GMT+8"): readers may be elsewhere. */
export function formatDue(iso: string | undefined, lang: Lang, timeZone = 'Asia/Shanghai'): string {
  if (!iso) return '';
  const d = new Date(iso);
  const zone = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName')?.value;
  const local =
    lang === 'zh'
      ? new Intl.DateTimeFormat('zh-CN', {
          timeZone,
          month: 'long',
          day: 'numeric',
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hour12: false,
        }).format(d)
      : new Intl.DateTimeFormat('en-GB', {
          timeZone,
          weekday: 'short',
          day: 'numeric',
          month: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hour12: false,
        }).format(d);
  return zone ? `${local} ${zone}` : local;
}

export interface TicketNotice {
  number: string;
  severity: Severity;
  category: string;
  policy: SeverityPolicy;
  firstResponseDue?: string;
}

export function ticketOpenedText(t: TicketNotice, lang: Lang): string {
  const due = formatDue(t.firstResponseDue, lang);
  if (lang === 'zh') {
    return (
      `已为你创建工单 ${t.number} · ${t.severity}（${CATEGORY_ZH[t.category] ?? t.category}）。` +
      `首次响应目标：${targetText(t.policy, lang)}内${due ? `（${due} 前）` : ''}。处理进展会在这里通知你。`
    );
  }
  return (
    `I've opened ticket ${t.number} · ${t.severity} (${t.category}). ` +
    `First response target: within ${targetText(t.policy, lang)}${due ? ` (by ${due})` : ''}. I'll post updates here.`
  );
}

/** "转人工" again while the thread's ticket is open: it is already with a person, nothing new was opened. */
export function alreadyOpenText(t: TicketNotice, lang: Lang): string {
  return lang === 'zh'
    ? `你的工单 ${t.number} · ${t.severity}（${CATEGORY_ZH[t.category] ?? t.category}）已经在人工处理队列中，无需重复提交。有新情况直接在这里说，工程师会看到。`
    : `Your ticket ${t.number} · ${t.severity} (${t.category}) is already with our team; there is no need to ask again. Add anything new here and the engineer will see it.`;
}

export function knownIncidentText(parent: { number: string; severity: Severity }, lang: Lang): string {
  return lang === 'zh'
    ? `这个问题已有同事报告，正在处理中（工单 ${parent.number} · ${parent.severity}）。我已把你加入受影响名单，解决后会第一时间在这里通知你。`
    : `This problem has already been reported and is being worked on (ticket ${parent.number} · ${parent.severity}). I've added you to the people affected and will tell you here as soon as it's fixed.`;
}

export function selfHelpText(lang: Lang): string {
  return lang === 'zh' ? '在等待期间，这篇文章也许能帮上忙：' : 'While you wait, this article may help:';
}

/** The conversation raised the ticket's severity: the new level and first-response target. */
export function severityRaisedText(t: TicketNotice, from: Severity, lang: Lang): string {
  const due = formatDue(t.firstResponseDue, lang);
  if (lang === 'zh') {
    return (
      `根据你补充的影响范围，工单 ${t.number} 已从 ${from} 升级为 ${t.severity}。` +
      `新的首次响应目标：${targetText(t.policy, lang)}内${due ? `（${due} 前）` : ''}。工程师已收到更新。`
    );
  }
  return (
    `With what you added, ticket ${t.number} is raised from ${from} to ${t.severity}. ` +
    `New first response target: within ${targetText(t.policy, lang)}${due ? ` (by ${due})` : ''}. The engineers have the update.`
  );
}
