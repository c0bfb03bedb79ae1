/**
 * The context packet an L2 engineer sees in the triage channel (DESIGN §2 flow 5): one card with
 * everything needed to act without asking the employee again. Sensitive tickets (§7) show only a
 * masked one-line summary; the details stay in DMs and the console.
 */
import type { Citation, ReplyButton } from '../assistant/types.ts';
import type { EmployeeProfile, OutboundBody } from '../inbound/ports.ts';
import type { Lang } from '../knowledge/types.ts';
import { maskPii } from '../privacy/pii.ts';
import { allowedActions } from '../tickets/lifecycle.ts';
import type { Ticket, TicketStatus, TranscriptLine } from '../tickets/types.ts';

export interface TicketCardOptions {
  /** From the platform's user API. */
  profile?: EmployeeProfile;
  /** What the bot answered; default: the last bot line of the transcript. */
  botAnswer?: string;
  /** The first-response (or resolution) target, already formatted ("Mon 3 Mar, 10:00"). */
  dueText?: string;
  /** The card's language (the triage channel's). */
  lang: Lang;
}

/** Action ids of the triage card's buttons; their value is `{"ticket": "<id>"}`. */
export const CARD_ACTIONS = ['claim', 'escalate', 'resolve'] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

const SUMMARY_MAX = 80;
const QUOTE_MAX = 600;

const L = {
  en: {
    category: 'Category',
    status: 'Status',
    tier: 'Tier',
    assignee: 'Assignee',
    unassigned: 'unassigned',
    sla: 'SLA target',
    why: 'Why this severity',
    employee: 'Employee',
    asked: 'Employee asked',
    answered: 'Bot answered',
    passages: 'Passages tried',
    summary: 'Summary',
    sensitive: (reason: string) =>
      `🔒 Sensitive (${reason}): masked summary only; details are in DM and the console.`,
    none: '(none)',
    claim: 'Claim',
    escalate: 'Escalate to L3',
    escalateTo: (tier: string) => `Escalate to ${tier}`,
    resolve: 'Resolve',
    reporters: (n: number) => `${n} people reported this`,
  },
  zh: {
    category: '类别',
    status: '状态',
    tier: '层级',
    assignee: '处理人',
    unassigned: '未认领',
    sla: 'SLA 目标',
    why: '定级理由',
    employee: '员工',
    asked: '员工提问',
    answered: '机器人回答',
    passages: '参考段落',
    summary: '摘要',
    sensitive: (reason: string) => `🔒 敏感工单（${reason}）：此处仅显示脱敏摘要，详情见私信和控制台。`,
    none: '（无）',
    claim: '认领',
    escalate: '升级到 L3',
    escalateTo: (tier: string) => `升级到 ${tier}`,
    resolve: '解决',
    reporters: (n: number) => `${n} 人报告了此问题`,
  },
} as const;

const STATUS: Record<Lang, Record<TicketStatus, string>> = {
  en: {
    new: 'new',
    waiting_l2: 'waiting for an engineer',
    claimed: 'claimed',
    waiting_employee: 'waiting on the employee',
    resolved: 'resolved',
    closed: 'closed',
  },
  zh: {
    new: '新建',
    waiting_l2: '等待工程师',
    claimed: '已认领',
    waiting_employee: '等待员工回复',
    resolved: '已解决',
    closed: '已关闭',
  },
};

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const lastBy = (lines: TranscriptLine[], author: TranscriptLine['author']) =>
  [...lines].reverse().find((l) => l.author === author && l.text.trim());

/** Every passage the bot cited or tried, once each, renumbered in order of first appearance. */
export function transcriptCitations(transcript: TranscriptLine[]): Citation[] {
  const seen = new Set<string>();
  const out: Citation[] = [];
  for (const line of transcript) {
    for (const c of line.citations ?? []) {
      const id = `${c.source}#${c.heading}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ ...c, n: out.length + 1 });
    }
  }
  return out;
}

/**
 * The one line a sensitive ticket shows in channels: its title or question, PII masked — except a
 * personal matter (harassment, health), whose words (a name, what happened) stay in the console.
 */
export function maskedSummary(ticket: Ticket, lang: Lang): string {
  const personal = PERSONAL[lang][ticket.sensitiveReason ?? ''];
  if (personal) return personal;
  const source = ticket.title || lastBy(ticket.transcript, 'user')?.text || '';
  return oneLine(maskPii(source), SUMMARY_MAX);
}

const PERSONAL: Record<Lang, Record<string, string>> = {
  en: {
    harassment: "A personal matter (harassment or conduct): the employee's words are in the console.",
    medical: "A personal matter (health): the employee's words are in the console.",
  },
  zh: {
    harassment: '个人事项（骚扰或不当行为）：员工原话请在控制台查看。',
    medical: '个人事项（健康）：员工原话请在控制台查看。',
  },
};

/** The button value the card's and the rating prompt's buttons carry. */
export const ticketValue = (ticket: Pick<Ticket, 'id'>) => JSON.stringify({ ticket: ticket.id });

/** Claim / Escalate / Resolve, as far as the ticket's status allows them. */
export function cardButtons(ticket: Ticket, lang: Lang): ReplyButton[] {
  const t = L[lang];
  const allowed = new Set<string>(allowedActions(ticket));
  const value = ticketValue(ticket);
  const buttons: ReplyButton[] = [];
  if (allowed.has('claim')) buttons.push({ action: 'claim', label: t.claim, value });
  if (allowed.has('escalate')) {
    const next = ticket.tier === 'L2' ? t.escalate : t.escalateTo('manager');
    buttons.push({ action: 'escalate', label: next, value });
  }
  if (allowed.has('resolve')) buttons.push({ action: 'resolve', label: t.resolve, value });
  return buttons;
}

/** The triage card for `ticket`: posted once, then updated in place at every change. */
export function ticketCard(ticket: Ticket, opts: TicketCardOptions): OutboundBody {
  const { lang } = opts;
  const t = L[lang];
  const sensitive = ticket.sensitive;
  const safe = (s: string) => (sensitive ? maskPii(s) : s);
  const lines: string[] = [];

  const title = sensitive ? maskedSummary(ticket, lang) : oneLine(ticket.title, 200);
  lines.push(`[${ticket.severity}] ${ticket.number} · ${title}`);
  const assignee = ticket.assigneeId ?? t.unassigned;
  lines.push(
    `${t.category}: ${ticket.category} · ${t.status}: ${STATUS[lang][ticket.status]} · ${t.tier}: ${ticket.tier} · ${t.assignee}: ${assignee}`,
  );
  if (opts.dueText) lines.push(`${t.sla}: ${opts.dueText}`);
  if (ticket.reporters > 1) lines.push(t.reporters(ticket.reporters));
  if (ticket.rationale) lines.push(`${t.why}: ${safe(oneLine(ticket.rationale, 300))}`);

  let citations: Citation[] | undefined;
  if (sensitive) {
    lines.push(t.sensitive(ticket.sensitiveReason ?? 'flagged'));
    lines.push(`${t.summary}: ${maskedSummary(ticket, lang)}`);
  } else {
    const profile = [opts.profile?.name, opts.profile?.department].filter(Boolean).join(' · ');
    if (profile) lines.push(`${t.employee}: ${profile}`);
    const asked = lastBy(ticket.transcript, 'user')?.text;
    lines.push(`${t.asked}: ${asked ? oneLine(asked, QUOTE_MAX) : t.none}`);
    const answered = opts.botAnswer ?? lastBy(ticket.transcript, 'bot')?.text;
    lines.push(`${t.answered}: ${answered ? oneLine(answered, QUOTE_MAX) : t.none}`);
    citations = transcriptCitations(ticket.transcript);
    if (citations.length) {
      lines.push(`${t.passages}:`);
      for (const c of citations) {
        lines.push(`[${c.n}] ${c.title}${c.heading ? ` › ${c.heading}` : ''}${c.url ? ` (${c.url})` : ''}`);
      }
    }
  }

  return {
    text: lines.join('\n'),
    ...(citations?.length ? { citations } : {}),
    buttons: cardButtons(ticket, lang),
    ticket: {
      id: ticket.id,
      number: ticket.number,
      severity: ticket.severity,
      category: ticket.category,
      status: ticket.status,
    },
    lang,
    action: 'ticket',
  };
}
