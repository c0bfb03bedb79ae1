/**
 * OutboundBody → Lark interactive card, card JSON 1.0 structure (open.feishu.cn "卡片 JSON 1.0 结构":
 * `config`, `header{title, template}`, `elements`; buttons inside an `action` module, each with a
 * `value` object that comes back as `action.value` in card.action.trigger). 1.0 rather than 2.0
 * because 2.0 rejects unknown properties and needs Lark ≥ 7.20; 1.0 renders on every client.
 * `update_multi: true` makes it a shared card, so status updates are seen by everyone in the chat.
 *
 * Send it as `msg_type: "interactive"`, `content: JSON.stringify(card)`, `uuid: idempotencyToken(ctx.key)`.
 */
import type { Citation, ReplyButton, TicketRef } from '../../src/assistant/types.ts';
import type { OutboundBody } from '../../src/delivery/types.ts';
import type { RenderContext } from '../types.ts';

export type LarkTemplate = 'blue' | 'red' | 'orange' | 'yellow' | 'green' | 'grey';

export interface LarkText {
  tag: 'plain_text' | 'lark_md';
  content: string;
}

export interface LarkButton {
  tag: 'button';
  text: LarkText;
  type: 'default' | 'primary' | 'danger';
  value: Record<string, string>;
}

export type LarkElement =
  | { tag: 'markdown'; content: string }
  | { tag: 'hr' }
  | { tag: 'action'; actions: LarkButton[] }
  | { tag: 'note'; elements: LarkText[] };

export interface LarkCard {
  config: { update_multi: boolean; wide_screen_mode: boolean };
  header: { title: LarkText; template: LarkTemplate };
  elements: LarkElement[];
}

export const SEVERITY_TEMPLATE: Record<TicketRef['severity'], LarkTemplate> = {
  P0: 'red',
  P1: 'orange',
  P2: 'yellow',
  P3: 'blue',
};

const BUTTON_EMOJI: Record<string, string> = { feedback_up: '👍', feedback_down: '👎', handoff: '🙋' };

const LABELS = {
  zh: {
    title: 'Helpline 助手',
    ticket: '工单',
    severity: '严重程度',
    sla: '首次响应时限',
    status: '状态',
    sources: '参考来源',
  },
  en: {
    title: 'Helpline',
    ticket: 'Ticket',
    severity: 'Severity',
    sla: 'First response due',
    status: 'Status',
    sources: 'Sources',
  },
} as const;

/**
 * Escapes text for Lark card markdown: `&`, `<`, `>` as HTML entities (the markdown component
 * parses `<at>`, `<font>`, `<link>` tags), and the emphasis/code/link characters `* _ ~ \``
 * plus brackets that are not a citation marker `[n]`, as numeric entities.
 */
export function escapeLarkMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\*/g, '&#42;')
    .replace(/_/g, '&#95;')
    .replace(/~/g, '&#126;')
    .replace(/`/g, '&#96;')
    .replace(/\[(?!\d+\])/g, '&#91;')
    .replace(/(?<!\[\d+)\]/g, '&#93;');
}

/** Only http(s) links, with characters that would end a markdown link target percent-encoded. */
function safeUrl(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  return url.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function citationLine(c: Citation): string {
  const label = escapeLarkMarkdown(c.heading ? `${c.title} › ${c.heading}` : c.title);
  const url = safeUrl(c.url);
  return `[${c.n}] ${url ? `[${label}](${url})` : label}`;
}

function button(b: ReplyButton, ctx: RenderContext, ticket?: TicketRef): LarkButton {
  const emoji = BUTTON_EMOJI[b.action];
  const label = emoji && !b.label.includes(emoji) ? `${emoji} ${b.label}` : b.label;
  const value: Record<string, string> = { action: b.action, ref: ctx.key };
  if (b.value !== undefined) value.value = b.value;
  if (ticket) value.ticket = ticket.id;
  return {
    tag: 'button',
    text: { tag: 'plain_text', content: label },
    type: b.action === 'handoff' ? 'primary' : 'default',
    value,
  };
}

/** ISO time → "YYYY-MM-DD HH:mm UTC" (deterministic: no server time zone in the card). */
function formatDue(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function renderLarkCard(body: OutboundBody, ctx: RenderContext): LarkCard {
  const L = LABELS[body.lang ?? ctx.lang];
  const ticket = body.ticket;
  const elements: LarkElement[] = [];
  if (body.text.trim() !== '') elements.push({ tag: 'markdown', content: escapeLarkMarkdown(body.text) });

  if (ticket) {
    const rows = [
      `**${L.ticket}**: ${escapeLarkMarkdown(ticket.number)}`,
      `**${L.severity}**: ${ticket.severity}`,
      ...(ticket.firstResponseDue ? [`**${L.sla}**: ${formatDue(ticket.firstResponseDue)}`] : []),
      `**${L.status}**: ${escapeLarkMarkdown(ticket.status)}`,
    ];
    elements.push({ tag: 'hr' }, { tag: 'markdown', content: rows.join('\n') });
  }

  const citations = body.citations ?? [];
  if (citations.length > 0) {
    const lines = [...citations].sort((a, b) => a.n - b.n).map(citationLine);
    elements.push({ tag: 'hr' }, { tag: 'markdown', content: `**${L.sources}**\n${lines.join('\n')}` });
  }

  const buttons = body.buttons ?? [];
  if (buttons.length > 0) {
    elements.push({ tag: 'action', actions: buttons.map((b) => button(b, ctx, ticket)) });
  }

  return {
    config: { update_multi: true, wide_screen_mode: true },
    header: {
      title: {
        tag: 'plain_text',
        content: ticket ? `${L.ticket} ${ticket.number} · ${ticket.severity}` : L.title,
      },
      template: ticket ? SEVERITY_TEMPLATE[ticket.severity] : 'blue',
    },
    elements,
  };
}

/** Content of a `msg_type: "text"` message (send as `content: JSON.stringify(result)`). */
export function renderLarkText(text: string): { text: string } {
  return { text };
}
