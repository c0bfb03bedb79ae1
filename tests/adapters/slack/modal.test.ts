import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORM_CALLBACK_ID, formLang, formModal } from '../../../adapters/slack/modal.ts';
import { payrollForm } from '../../../src/inbound/forms.ts';
import { modalProblems } from '../../support/slack-api-stand-in.ts';

const _fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

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
