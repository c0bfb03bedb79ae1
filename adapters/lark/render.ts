/**
 * OutboundBody → Lark interactive card, card JSON 1.0 structure (open.feishu.cn "卡片 JSON 1.0 结构":
 * `config`, `header{title, template}`, `elements`; buttons inside an `action` module, each with a
 * `value` object that comes back as `action.value` in card.action.trigger). 1.0 rather than 2.0
 * because 2.0 rejects unknown properties and needs Lark ≥ 7.20; 1.0 renders on every client.
 * `update_multi: true` makes it a shared card, so status updates are seen by everyone in the chat.
 *
 * A body with a `form` renders the JSON 1.0 form container (`tag: "form"`, open.feishu.cn
 * feishu-cards/card-components/containers/form-container): one `input` per field and a button with
 * `action_type: "form_submit"`; Lark calls back card.action.trigger with the button's `value`
 * (`{action: "form_submit", form: <form id>, ref}`) and the inputs as `action.form_value`, which
 * parseLark turns into `InboundAction {id: 'form_submit', value: {form, …}, form: {…fields}}`.
 * Input fields need Lark ≥ 6.8; older clients show Lark's "please upgrade" fallback text.
 *
 * Send it as `msg_type: "interactive"`, `content: JSON.stringify(card)`, `uuid: idempotencyToken(ctx.key)`.
 */
import type { Citation, ReplyButton, TicketRef } from '../../src/assistant/types.ts';
import type { FormField, FormSpec } from '../../src/inbound/forms.ts';
import type { OutboundBody, RenderContext } from '../../src/inbound/ports.ts';
import { REPLY_LABELS } from '../../src/inbound/reply-labels.ts';

export type LarkTemplate = 'blue' | 'red' | 'orange' | 'yellow' | 'green' | 'grey' | 'turquoise';

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

/** An input inside a form container; `name` is its key in `action.form_value`. */
export interface LarkInput {
  tag: 'input';
  name: string;
  required: boolean;
  label: LarkText;
  label_position: 'top';
  placeholder?: LarkText;
  /** Multi-line text box (`rows` high) for long answers; absent: one line. */
  input_type?: 'multiline_text';
  rows?: number;
  max_length: number;
  width: 'fill';
}

/** The submit button of a form container (`action_type: "form_submit"`). */
export interface LarkFormButton extends LarkButton {
  name: string;
  action_type: 'form_submit';
}

export type LarkElement =
  | { tag: 'markdown'; content: string }
  | { tag: 'hr' }
  | { tag: 'action'; actions: LarkButton[] }
  | { tag: 'note'; elements: LarkText[] }
  | { tag: 'form'; name: string; elements: Array<LarkInput | LarkFormButton> };

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

const LABELS = REPLY_LABELS;

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

/** A button value that is a JSON object (`{"ticket": "…"}`), as string fields; else nothing. */
function jsonFields(raw: string | undefined): Record<string, string> {
  if (!raw?.startsWith('{')) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

function button(b: ReplyButton, ctx: RenderContext, ticket?: TicketRef): LarkButton {
  const emoji = BUTTON_EMOJI[b.action];
  const label = emoji && !b.label.includes(emoji) ? `${emoji} ${b.label}` : b.label;
  const value: Record<string, string> = { ...jsonFields(b.value), action: b.action, ref: ctx.key };
  if (b.value !== undefined && !value.ticket) value.value = b.value;
  if (ticket) value.ticket = ticket.id;
  // The callback names the card's message, not its thread: carry the thread so a press on an
  // answer card (🙋 转人工) continues the employee's conversation.
  if (ctx.thread) value.thread = ctx.thread;
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

/** Lark's input limit is 1–1000 characters; multi-line answers get the full 1000. */
const INPUT_MAX = { text: 200, number: 20, multiline: 1000 } as const;

function input(field: FormField): LarkInput {
  const el: LarkInput = {
    tag: 'input',
    name: field.name,
    required: field.required,
    label: { tag: 'plain_text', content: field.label },
    label_position: 'top',
    max_length: INPUT_MAX[field.kind],
    width: 'fill',
  };
  if (field.placeholder) el.placeholder = { tag: 'plain_text', content: field.placeholder };
  if (field.kind === 'multiline') {
    el.input_type = 'multiline_text';
    el.rows = 4;
  }
  return el;
}

/** The form container: inputs, then the submit button whose value names the form. */
function formElement(form: FormSpec, ctx: RenderContext): LarkElement {
  const submit: LarkFormButton = {
    tag: 'button',
    name: 'submit',
    action_type: 'form_submit',
    text: { tag: 'plain_text', content: form.submitLabel },
    type: 'primary',
    value: { action: 'form_submit', form: form.id, ref: ctx.key },
  };
  return { tag: 'form', name: `form_${form.id}`, elements: [...form.fields.map(input), submit] };
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

  if (body.form) elements.push(formElement(body.form, ctx));

  const buttons = body.buttons ?? [];
  if (buttons.length > 0) {
    elements.push({ tag: 'action', actions: buttons.map((b) => button(b, ctx, ticket)) });
  }

  return {
    config: { update_multi: true, wide_screen_mode: true },
    header: { title: { tag: 'plain_text', content: title(body, L) }, template: template(body) },
    elements,
  };
}

type Labels = (typeof LABELS)[keyof typeof LABELS];

/** Ticket cards name the ticket; an engineer's relayed reply says so (its text names the engineer). */
function title(body: OutboundBody, L: Labels): string {
  const ticket = body.ticket ? `${L.ticket} ${body.ticket.number} · ${body.ticket.severity}` : undefined;
  if (body.author === 'agent') return ticket ? `${L.agent} · ${ticket}` : L.agent;
  return ticket ?? body.form?.title ?? L.title;
}

function template(body: OutboundBody): LarkTemplate {
  if (body.author === 'agent') return 'turquoise';
  return body.ticket ? SEVERITY_TEMPLATE[body.ticket.severity] : 'blue';
}

/** Content of a `msg_type: "text"` message (send as `content: JSON.stringify(result)`). */
export function renderLarkText(text: string): { text: string } {
  return { text };
}
