/**
 * A platform-neutral form (src/inbound/forms.ts) → a Slack modal view for views.open
 * (https://docs.slack.dev/reference/views/modal-views). Slack's limits are kept here — title, submit
 * and close ≤ 24 characters, labels ≤ 2000, placeholders ≤ 150, private_metadata ≤ 3000 — because
 * views.open refuses the whole view for one long string, and its trigger id cannot be retried.
 */
import type { FormSpec } from '../../src/inbound/forms.ts';

/** callback_id of every form modal we open; the form id travels in private_metadata. */
export const FORM_CALLBACK_ID = 'helpline_form';

/** Where the form was opened, echoed back in the view_submission (parse-interaction.ts reads it). */
export interface FormModalMeta {
  form: string;
  /** Channel (or DM) the form was opened from. */
  channel: string;
  user: string;
  lang: 'zh' | 'en';
  /** Thread the form was opened in, if any. */
  thread?: string;
}

const LIMITS = { title: 24, button: 24, label: 2000, placeholder: 150, metadata: 3000 } as const;
const FALLBACK = {
  submit: { en: 'Submit', zh: '提交' },
  close: { en: 'Cancel', zh: '取消' },
} as const;

function plain(text: string, max: number): { type: 'plain_text'; text: string; emoji: true } {
  const t = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return { type: 'plain_text', text: t, emoji: true };
}

/** A button label that fits, or the plain word when the form's own label is too long to cut nicely. */
function buttonLabel(text: string, fallback: string): { type: 'plain_text'; text: string; emoji: true } {
  return plain(text.length <= LIMITS.button ? text : fallback, LIMITS.button);
}

export function formModal(spec: FormSpec, meta: FormModalMeta): Record<string, unknown> {
  const blocks = spec.fields.map((f) => {
    const element: Record<string, unknown> =
      f.kind === 'number'
        ? { type: 'number_input', action_id: f.name, is_decimal_allowed: false }
        : { type: 'plain_text_input', action_id: f.name, multiline: f.kind === 'multiline' };
    if (f.placeholder) element.placeholder = plain(f.placeholder, LIMITS.placeholder);
    return {
      type: 'input',
      block_id: f.name,
      label: plain(f.label, LIMITS.label),
      element,
      optional: !f.required,
    };
  });
  const metadata: Record<string, string> = {
    form: meta.form,
    channel: meta.channel,
    user: meta.user,
    lang: meta.lang,
  };
  if (meta.thread) metadata.thread = meta.thread;
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK_ID,
    title: plain(spec.title, LIMITS.title),
    submit: buttonLabel(spec.submitLabel, FALLBACK.submit[meta.lang]),
    close: plain(FALLBACK.close[meta.lang], LIMITS.button),
    private_metadata: JSON.stringify(metadata).slice(0, LIMITS.metadata),
    blocks,
  };
}

/** The language to open a form in, from what the user typed after the command ('zh', or any CJK). */
export function formLang(text: string): 'zh' | 'en' {
  const t = text.trim().toLowerCase();
  if (/^(zh|cn|中文)\b/.test(t) || /[\u3400-\u9fff]/.test(t)) return 'zh';
  return 'en';
}
