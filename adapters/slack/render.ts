/**
 * A platform-neutral reply → Block Kit (https://api.slack.com/reference/block-kit/blocks). Limits
 * kept: ≤ 50 blocks per message, section text ≤ 3000, context ≤ 10 elements, actions ≤ 25
 * elements, button text ≤ 75, value ≤ 2000, action_id ≤ 255 and unique within its block.
 * Anything longer is shortened with a visible note, never rejected by Slack.
 */
import type { Citation, ReplyButton, TicketRef } from '../../src/assistant/types.ts';
import type { FormSpec } from '../../src/inbound/forms.ts';
import type { OutboundBody, RenderContext } from '../../src/inbound/ports.ts';
import { REPLY_LABELS } from '../../src/inbound/reply-labels.ts';

export interface SlackMessage {
  /** Notification / fallback text (mrkdwn). */
  text: string;
  blocks: object[];
}

export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  sectionFieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  fallbackText: 3000,
  /** Answer sections we allow before shortening; leaves room for citations, ticket and buttons. */
  answerSections: 8,
  citations: 20,
} as const;

/** Slack's escaping for text objects: only &, < and > (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** action_id of the button that opens `body.form` as a modal (handled in listeners.ts). */
export const OPEN_FORM_ACTION = 'open_form';

const SEVERITY: Record<TicketRef['severity'], { emoji: string; en: string; zh: string }> = {
  P0: { emoji: '🔴', en: 'red · critical', zh: '红色 · 紧急' },
  P1: { emoji: '🟠', en: 'orange · high', zh: '橙色 · 高' },
  P2: { emoji: '🟡', en: 'yellow · medium', zh: '黄色 · 中' },
  P3: { emoji: '🟢', en: 'green · low', zh: '绿色 · 低' },
};

export function renderSlackBlocks(body: OutboundBody, ctx: RenderContext): SlackMessage {
  const lang = body.lang ?? ctx.lang;
  const blocks: object[] = [];
  const escaped = escapeMrkdwn(body.text ?? '');

  let chunks = splitMrkdwn(escaped, SLACK_LIMITS.sectionText);
  if (chunks.length > SLACK_LIMITS.answerSections) {
    chunks = chunks.slice(0, SLACK_LIMITS.answerSections);
    const note = `\n_${REPLY_LABELS[lang].shortened}_`;
    const last = chunks.length - 1;
    chunks[last] = `${cut(chunks[last], SLACK_LIMITS.sectionText - note.length)}${note}`;
  }
  for (const chunk of chunks) if (chunk.trim()) blocks.push(section(chunk));

  if (body.ticket) blocks.push(ticketSection(body.ticket, lang));
  if (body.citations?.length) blocks.push(...citationBlocks(body.citations, lang));
  if (body.buttons?.length) blocks.push(actionsBlock(body.buttons, ctx));
  if (body.form) blocks.push(formBlock(body.form, lang));
  if (body.author === 'agent')
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `_${REPLY_LABELS[lang].viaHelpline}_` }],
    });

  return { text: fallbackText(escaped, body.ticket, lang), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

function section(text: string): object {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Cuts at whitespace where it can, and never inside an entity such as `&amp;`. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let at = max;
  const ws = Math.max(text.lastIndexOf('\n', max), text.lastIndexOf(' ', max));
  if (ws > max * 0.6) at = ws;
  else {
    const amp = text.lastIndexOf('&', at);
    if (amp >= 0 && amp > at - 5 && !text.slice(amp, at).includes(';')) at = amp;
  }
  return text.slice(0, at).trimEnd();
}

/** Splits escaped mrkdwn into pieces of at most `max`, preferring paragraph, then line, then word breaks. */
export function splitMrkdwn(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const para = rest.lastIndexOf('\n\n', max);
    const head = para > max * 0.5 ? rest.slice(0, para) : cut(rest, max);
    out.push(head);
    rest = rest.slice(head.length).replace(/^\s+/, '');
  }
  if (rest) out.push(rest);
  return out;
}

function safeUrl(url: string | undefined): string | undefined {
  if (!url || !/^(https?:\/\/|mailto:)/i.test(url)) return undefined;
  return url
    .replace(/&/g, '&amp;')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/\|/g, '%7C')
    .replace(/\s/g, '%20');
}

function citationLine(c: Citation): string {
  const label = escapeMrkdwn([c.title, c.heading].filter(Boolean).join(' › ')).slice(0, 500);
  const url = safeUrl(c.url);
  return `[${c.n}] ${url ? `<${url}|${label}>` : label}`;
}

function citationBlocks(citations: Citation[], lang: 'zh' | 'en'): object[] {
  const shown = citations.slice(0, SLACK_LIMITS.citations);
  const lines = shown.map(citationLine);
  if (citations.length > shown.length)
    lines.push(REPLY_LABELS[lang].moreSources(citations.length - shown.length));
  const blocks: object[] = [];
  const perBlock = SLACK_LIMITS.contextElements;
  for (let i = 0; i < lines.length; i += perBlock) {
    const elements = lines.slice(i, i + perBlock).map((text) => ({ type: 'mrkdwn', text }));
    if (i === 0)
      elements[0] = { type: 'mrkdwn', text: `*${REPLY_LABELS[lang].sources}:* ${elements[0].text}` };
    blocks.push({ type: 'context', elements });
  }
  return blocks;
}

function buttonValue(button: ReplyButton, key: string): string {
  let fields: Record<string, string> = {};
  if (button.value !== undefined) {
    try {
      const parsed: unknown = JSON.parse(button.value);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        for (const [k, v] of Object.entries(parsed))
          fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
      else fields.value = button.value;
    } catch {
      fields.value = button.value;
    }
  }
  fields = { ...fields, key };
  let json = JSON.stringify(fields);
  if (json.length > SLACK_LIMITS.buttonValue) {
    // The reply key matters most (which answer the feedback is about); the rest is shortened.
    const value = fields.value ?? '';
    json = JSON.stringify({ key: key.slice(0, 500), value: value.slice(0, 1000) });
  }
  return json;
}

function actionsBlock(buttons: ReplyButton[], ctx: RenderContext): object {
  const seen = new Map<string, number>();
  const elements = buttons.slice(0, SLACK_LIMITS.actionsElements).map((b) => {
    const n = (seen.get(b.action) ?? 0) + 1;
    seen.set(b.action, n);
    // action_id must be unique in the block: repeats get `#n`, which parse strips.
    const actionId = (n === 1 ? b.action : `${b.action}#${n}`).slice(0, SLACK_LIMITS.actionId);
    const label =
      b.label.length > SLACK_LIMITS.buttonText
        ? `${b.label.slice(0, SLACK_LIMITS.buttonText - 1)}…`
        : b.label;
    const button: Record<string, unknown> = {
      type: 'button',
      action_id: actionId,
      text: { type: 'plain_text', text: label, emoji: true },
      value: buttonValue(b, ctx.key),
    };
    if (b.action === 'handoff' || b.action === 'claim') button.style = 'primary';
    return button;
  });
  return { type: 'actions', block_id: 'helpline_actions', elements };
}

/** The form as a section with a button; pressing it opens the modal (a trigger id is needed for that). */
function formBlock(form: FormSpec, lang: 'zh' | 'en'): object {
  return {
    type: 'section',
    block_id: 'helpline_form',
    text: {
      type: 'mrkdwn',
      text: `*${escapeMrkdwn(form.title)}*\n${REPLY_LABELS[lang].formHint}`.slice(
        0,
        SLACK_LIMITS.sectionText,
      ),
    },
    accessory: {
      type: 'button',
      action_id: OPEN_FORM_ACTION,
      style: 'primary',
      text: { type: 'plain_text', text: REPLY_LABELS[lang].openForm, emoji: true },
      // The form id, and the language to open it in.
      value: JSON.stringify({ form: form.id, lang }).slice(0, SLACK_LIMITS.buttonValue),
    },
  };
}

function ticketSection(t: TicketRef, lang: 'zh' | 'en'): object {
  const sev = SEVERITY[t.severity] ?? SEVERITY.P3;
  const fields = [
    `*${REPLY_LABELS[lang].ticket}*\n${escapeMrkdwn(t.number)}`,
    `*${REPLY_LABELS[lang].severity}*\n${sev.emoji} ${t.severity} (${sev[lang]})`,
    `*${REPLY_LABELS[lang].status}*\n${escapeMrkdwn(t.status)}`,
    `*${REPLY_LABELS[lang].category}*\n${escapeMrkdwn(t.category)}`,
  ];
  if (t.firstResponseDue) fields.push(`*${REPLY_LABELS[lang].sla}*\n${slaDate(t.firstResponseDue)}`);
  return {
    type: 'section',
    fields: fields.map((text) => ({ type: 'mrkdwn', text: text.slice(0, SLACK_LIMITS.sectionFieldText) })),
  };
}

/** Slack's date token shows the deadline in each reader's own time zone; the ISO text is the fallback. */
function slaDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${escapeMrkdwn(iso)}>`;
}

function fallbackText(escaped: string, ticket: TicketRef | undefined, lang: 'zh' | 'en'): string {
  const base = escaped || (ticket ? `${REPLY_LABELS[lang].ticket} ${escapeMrkdwn(ticket.number)}` : '');
  return base.length > SLACK_LIMITS.fallbackText ? `${cut(base, SLACK_LIMITS.fallbackText - 1)}…` : base;
}
