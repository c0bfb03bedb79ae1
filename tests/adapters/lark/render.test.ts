import { describe, expect, it } from 'vitest';
import { parseLark } from '../../../adapters/lark/parse.ts';
import {
  escapeLarkMarkdown,
  type LarkCard,
  renderLarkCard,
  renderLarkText,
} from '../../../adapters/lark/render.ts';
import { payrollForm } from '../../../src/inbound/forms.ts';
import type { OutboundBody } from '../../../src/inbound/ports.ts';

const ctx = { chat: 'oc_5ad573a6bbd4c1b3b2e3a05ad3b7a7f1', key: 'reply:om_5ce6', lang: 'zh' as const };

const answer: OutboundBody = {
  text: '年假需提前 3 天在系统中申请 [1]，主管审批后生效 [2]。',
  lang: 'zh',
  action: 'answered',
  citations: [
    { n: 2, source: 'kb/leave.md', title: '请假制度', heading: '审批流程' },
    {
      n: 1,
      source: 'kb/leave.md',
      title: '请假制度',
      heading: '年假',
      url: 'https://hr.example.com/leave#annual',
    },
  ],
  buttons: [
    { action: 'feedback_up', label: '有帮助' },
    { action: 'feedback_down', label: '没帮助' },
    { action: 'handoff', label: '转人工' },
  ],
};

describe('renderLarkCard', () => {
  it('renders an answer: blue header, markdown with [n] markers, numbered sources, three buttons', () => {
    const card = renderLarkCard(answer, ctx);
    expect(card.config).toEqual({ update_multi: true, wide_screen_mode: true });
    expect(card.header).toEqual({ title: { tag: 'plain_text', content: 'Helpline 助手' }, template: 'blue' });
    expect(card.elements.map((e) => e.tag)).toEqual(['markdown', 'hr', 'markdown', 'action']);
    expect(card.elements[0]).toEqual({ tag: 'markdown', content: answer.text });
    expect(card.elements[2]).toEqual({
      tag: 'markdown',
      content:
        '**参考来源**\n[1] [请假制度 › 年假](https://hr.example.com/leave#annual)\n[2] 请假制度 › 审批流程',
    });
    const action = card.elements[3] as Extract<LarkCard['elements'][number], { tag: 'action' }>;
    expect(action.actions.map((b) => b.text.content)).toEqual(['👍 有帮助', '👎 没帮助', '🙋 转人工']);
    expect(action.actions.map((b) => b.value)).toEqual([
      { action: 'feedback_up', ref: 'reply:om_5ce6' },
      { action: 'feedback_down', ref: 'reply:om_5ce6' },
      { action: 'handoff', ref: 'reply:om_5ce6' },
    ]);
    expect(action.actions[2].type).toBe('primary');
    // Card content is JSON for the im/v1/messages `content` field.
    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
  });

  it.each([
    ['P0', 'red'],
    ['P1', 'orange'],
    ['P2', 'yellow'],
    ['P3', 'blue'],
  ] as const)('renders a %s ticket with a %s header and the ticket block', (severity, template) => {
    const card = renderLarkCard(
      {
        text: 'I opened a ticket for you.',
        lang: 'en',
        action: 'ticket',
        ticket: {
          id: 't-1',
          number: 'HL-1042',
          severity,
          category: 'payroll',
          status: 'open',
          firstResponseDue: '2025-01-02T03:04:05.000Z',
        },
        buttons: [{ action: 'feedback_down', label: 'Not helpful' }],
      },
      { ...ctx, lang: 'en' },
    );
    expect(card.header).toEqual({
      title: { tag: 'plain_text', content: `Ticket HL-1042 · ${severity}` },
      template,
    });
    expect(card.elements[2]).toEqual({
      tag: 'markdown',
      content: `**Ticket**: HL-1042\n**Severity**: ${severity}\n**First response due**: 2025-01-02 03:04 UTC\n**Status**: open`,
    });
    const action = card.elements.at(-1) as { tag: 'action'; actions: { value: Record<string, string> }[] };
    expect(action.actions[0].value).toEqual({ action: 'feedback_down', ref: 'reply:om_5ce6', ticket: 't-1' });
  });

  it('escapes markdown and tags in user-visible text, keeps [n] markers, drops non-http links', () => {
    expect(escapeLarkMarkdown('<at id=all></at> *bold* _x_ ~~s~~ `c` [link](x) [3] a&b')).toBe(
      '&lt;at id=all&gt;&lt;/at&gt; &#42;bold&#42; &#95;x&#95; &#126;&#126;s&#126;&#126; &#96;c&#96; &#91;link&#93;(x) [3] a&amp;b',
    );
    const card = renderLarkCard(
      { text: 'x', citations: [{ n: 1, source: 's', title: 'T', heading: '', url: 'javascript:alert(1)' }] },
      ctx,
    );
    expect(card.elements[2]).toEqual({ tag: 'markdown', content: '**参考来源**\n[1] T' });
  });

  it('a rendered button round-trips through card.action.trigger into the action id', () => {
    const card = renderLarkCard(answer, ctx);
    const button = (card.elements[3] as { actions: { value: Record<string, string> }[] }).actions[2];
    const callback = {
      schema: '2.0',
      header: { event_id: 'ev1', event_type: 'card.action.trigger', tenant_key: 'tk', create_time: '1' },
      event: {
        operator: { open_id: 'ou_1' },
        action: { tag: 'button', value: button.value },
        context: { open_message_id: 'om_card', open_chat_id: ctx.chat },
      },
    };
    const parsed = parseLark(callback, 0);
    expect('ok' in parsed && parsed.ok && parsed.event.action?.id).toBe('handoff');
  });
});

describe('renderLarkCard forms', () => {
  const formCard = () =>
    renderLarkCard(
      { text: '请填写以下信息。', lang: 'zh', form: payrollForm('zh') },
      { ...ctx, key: 'form:ou_1:1' },
    );
  type Form = Extract<LarkCard['elements'][number], { tag: 'form' }>;

  it('renders the payroll form as a form container: one input per field, then a submit button', () => {
    const card = formCard();
    expect(card.header.title.content).toBe('上报薪资异常');
    expect(card.elements.map((e) => e.tag)).toEqual(['markdown', 'form']);
    const form = card.elements[1] as Form;
    expect(form.name).toBe('form_payroll_anomaly');
    expect(form.elements.map((e) => e.name)).toEqual([
      'period',
      'affected',
      'discrepancy',
      'description',
      'submit',
    ]);
    expect(form.elements[0]).toEqual({
      tag: 'input',
      name: 'period',
      required: true,
      label: { tag: 'plain_text', content: '薪资期间' },
      label_position: 'top',
      placeholder: { tag: 'plain_text', content: '例如 2026-10' },
      max_length: 200,
      width: 'fill',
    });
    expect(form.elements[3]).toMatchObject({
      name: 'description',
      input_type: 'multiline_text',
      rows: 4,
      max_length: 1000,
    });
    expect(form.elements[4]).toEqual({
      tag: 'button',
      name: 'submit',
      action_type: 'form_submit',
      text: { tag: 'plain_text', content: '提交给薪资支持' },
      type: 'primary',
      value: { action: 'form_submit', form: 'payroll_anomaly', ref: 'form:ou_1:1' },
    });
  });

  it('a submitted form comes back through parseLark as form_submit with the form id and the fields', () => {
    const form = formCard().elements[1] as Form;
    const submit = form.elements.at(-1) as { value: Record<string, string>; name: string };
    const callback = {
      schema: '2.0',
      header: { event_id: 'ev2', event_type: 'card.action.trigger', tenant_key: 'tk', create_time: '1' },
      event: {
        operator: { open_id: 'ou_1' },
        action: {
          tag: 'button',
          name: submit.name,
          value: submit.value,
          form_value: {
            period: '2026-10',
            affected: '37',
            discrepancy: '公积金重复扣除',
            description: '十月起',
          },
        },
        context: { open_message_id: 'om_form', open_chat_id: ctx.chat },
      },
    };
    const parsed = parseLark(callback, 0);
    expect('ok' in parsed && parsed.ok && parsed.event.action).toEqual({
      id: 'form_submit',
      value: { action: 'form_submit', form: 'payroll_anomaly', ref: 'form:ou_1:1' },
      form: { period: '2026-10', affected: '37', discrepancy: '公积金重复扣除', description: '十月起' },
      messageRef: 'om_form',
    });
  });

  it('marks an engineer’s relayed reply with its own header', () => {
    const plain = renderLarkCard({ text: 'Engineer: please try again', lang: 'en', author: 'agent' }, ctx);
    expect(plain.header).toEqual({
      title: { tag: 'plain_text', content: 'Reply from support' },
      template: 'turquoise',
    });
    const onTicket = renderLarkCard(
      {
        text: '工程师：已处理',
        lang: 'zh',
        author: 'agent',
        ticket: { id: 't', number: 'HL-7', severity: 'P2', category: 'payroll', status: 'in_progress' },
      },
      ctx,
    );
    expect(onTicket.header.title.content).toBe('支持工程师回复 · 工单 HL-7 · P2');
    expect(renderLarkCard({ text: 'x', author: 'bot' }, ctx).header.template).toBe('blue');
  });
});

describe('renderLarkText', () => {
  it('is the text message content object', () => {
    expect(renderLarkText('您好')).toEqual({ text: '您好' });
  });
});
