/** The form modal and the plain ChatAdapter view of Slack. */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { slackAdapter } from '../../../adapters/slack/adapter.ts';
import { FORM_CALLBACK_ID, formLang, formModal } from '../../../adapters/slack/modal.ts';
import { payrollForm } from '../../../src/chat/forms.ts';
import { modalProblems } from '../../support/slack-api-stand-in.ts';
import { NOW, SIGNING_SECRET } from './harness.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('formModal', () => {
  it.each(['en', 'zh'] as const)('the payroll form (%s) is a view Slack accepts', (lang) => {
    const view = formModal(payrollForm(lang), {
      form: 'payroll_anomaly',
      channel: 'C0LAN2Q65',
      user: 'U0HRADMIN',
      lang,
      thread: '1.2',
    }) as Record<string, unknown> & { submit: { text: string }; blocks: Array<Record<string, unknown>> };
    expect(modalProblems(view)).toEqual([]);
    expect(view.callback_id).toBe(FORM_CALLBACK_ID);
    expect(view.submit.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks[1]).toMatchObject({
      block_id: 'affected',
      element: { type: 'number_input', action_id: 'affected', is_decimal_allowed: false },
    });
    expect(view.blocks[3]).toMatchObject({ element: { type: 'plain_text_input', multiline: true } });
  });

  it('shortens what is too long rather than have views.open refuse it', () => {
    const spec = {
      ...payrollForm('en'),
      title: 'A very long title for a modal view',
      submitLabel: 'x'.repeat(40),
    };
    const view = formModal(spec, { form: 'f', channel: 'C1', user: 'U1', lang: 'en' });
    expect(modalProblems(view)).toEqual([]);
    expect(view).toMatchObject({ submit: { text: 'Submit' } });
  });

  it('picks the language from what follows the command', () => {
    expect(formLang('')).toBe('en');
    expect(formLang('May payroll')).toBe('en');
    expect(formLang('zh')).toBe('zh');
    expect(formLang('五月工资')).toBe('zh');
  });
});

describe('slackAdapter (the ChatAdapter seam)', () => {
  const adapter = slackAdapter({ signingSecret: SIGNING_SECRET, parse: { botUserId: 'U0LAN0Z89' } });

  it('verifies, parses and renders', () => {
    const raw = fixture('app_mention.json');
    const ts = String(Math.floor(NOW / 1000));
    const sig = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${raw}`).digest('hex')}`;
    const headers = { 'x-slack-request-timestamp': ts, 'x-slack-signature': sig };
    expect(adapter.verify({ headers, rawBody: raw, nowMs: NOW })).toEqual({ ok: true });
    expect(adapter.verify({ headers, rawBody: `${raw} `, nowMs: NOW })).toMatchObject({ ok: false });
    expect(adapter.parse(raw, NOW)).toMatchObject({ ok: true, event: { eventId: 'Ev0LAN670R' } });
    expect(adapter.render({ text: 'hi' }, { chat: 'C1', key: 'k', lang: 'en' }).text).toBe('hi');
  });

  it('reports transport-only payloads as ignored, and help/status commands as events', () => {
    expect(adapter.parse(fixture('url_verification.json'), NOW)).toMatchObject({ ok: false, ignore: true });
    expect(adapter.parse(fixture('slash_command.txt'), NOW)).toMatchObject({ ok: false, ignore: true });
    const status = fixture('slash_command.txt').replace('text=escalate+May+payroll', 'text=status');
    expect(adapter.parse(status, NOW)).toMatchObject({ ok: true, event: { action: { id: 'status' } } });
  });
});
