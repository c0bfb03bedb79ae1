import { describe, expect, it } from 'vitest';
import { parseSlack } from '../../../adapters/slack/parse.ts';
import { escapeMrkdwn, renderSlackBlocks, SLACK_LIMITS } from '../../../adapters/slack/render.ts';
import { payrollForm } from '../../../src/inbound/forms.ts';
import type { OutboundBody } from '../../../src/inbound/ports.ts';

const ctx = {
  chat: 'C0LAN2Q65',
  thread: '1515449522.000016',
  key: 'reply:1515449522.000016',
  lang: 'en' as const,
};
type Block = {
  type: string;
  text?: { text: string };
  elements?: Array<Record<string, unknown>>;
  fields?: Array<{ text: string }>;
};

const answer: OutboundBody = {
  text: 'You get 15 days <annual> leave & 5 sick days [1][2].',
  lang: 'en',
  citations: [
    {
      n: 1,
      source: 'leave.md',
      title: 'Leave policy',
      heading: 'Annual leave',
      url: 'https://kb.example.com/leave?x=1&y=2',
    },
    { n: 2, source: 'sick.md', title: 'Sick <leave>', heading: 'Days' },
  ],
  buttons: [
    { action: 'feedback_up', label: '👍 Helpful' },
    { action: 'feedback_down', label: '👎 Not helpful' },
    { action: 'handoff', label: '🙋 Talk to a human', value: 'talk to a human' },
  ],
};

describe('renderSlackBlocks', () => {
  it('escapes &, < and > as Slack requires', () => {
    expect(escapeMrkdwn('a & <b> c')).toBe('a &amp; &lt;b&gt; c');
  });

  it('renders answer section, numbered citations and the three buttons', () => {
    const { text, blocks } = renderSlackBlocks(answer, ctx) as { text: string; blocks: Block[] };
    expect(text).toBe('You get 15 days &lt;annual&gt; leave &amp; 5 sick days [1][2].');
    expect(blocks.map((b) => b.type)).toEqual(['section', 'context', 'actions']);
    expect(blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text } });
    expect(blocks[1].elements).toEqual([
      {
        type: 'mrkdwn',
        text: '*Sources:* [1] <https://kb.example.com/leave?x=1&amp;y=2|Leave policy › Annual leave>',
      },
      { type: 'mrkdwn', text: '[2] Sick &lt;leave&gt; › Days' },
    ]);
    const buttons = blocks[2].elements ?? [];
    expect(buttons.map((b) => b.action_id)).toEqual(['feedback_up', 'feedback_down', 'handoff']);
    expect(buttons.map((b) => (b.text as { text: string }).text)).toEqual([
      '👍 Helpful',
      '👎 Not helpful',
      '🙋 Talk to a human',
    ]);
    expect(JSON.parse(buttons[2].value as string)).toEqual({ value: 'talk to a human', key: ctx.key });
  });

  it('button values round-trip through parse, and repeated action ids stay unique', () => {
    const body: OutboundBody = {
      text: 'Rate us',
      buttons: [1, 2, 3].map((n) => ({
        action: 'rate',
        label: String(n),
        value: JSON.stringify({ score: n }),
      })),
    };
    const { blocks } = renderSlackBlocks(body, ctx) as { blocks: Block[] };
    const els = blocks[1].elements ?? [];
    expect(els.map((e) => e.action_id)).toEqual(['rate', 'rate#2', 'rate#3']);
    const payload = {
      type: 'block_actions',
      user: { id: 'U1', team_id: 'T1' },
      team: { id: 'T1' },
      channel: { id: 'C1' },
      container: { type: 'message', message_ts: '1.2', channel_id: 'C1' },
      trigger_id: 't',
      actions: [{ action_id: els[1].action_id, value: els[1].value, type: 'button', action_ts: '1.3' }],
    };
    const r = parseSlack(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 0);
    expect(r).toMatchObject({
      ok: true,
      event: { action: { id: 'rate', value: { score: '2', key: ctx.key } } },
    });
  });

  it('renders a ticket with severity colour, number, SLA target and status', () => {
    const body: OutboundBody = {
      text: 'I opened a ticket for you.',
      ticket: {
        id: 't1',
        number: 'HL-1042',
        severity: 'P1',
        category: 'payroll',
        status: 'open',
        firstResponseDue: '2024-05-20T10:00:00.000Z',
      },
    };
    const { blocks } = renderSlackBlocks(body, { ...ctx, lang: 'zh' }) as { blocks: Block[] };
    const fields = (blocks[1].fields ?? []).map((f) => f.text);
    expect(fields).toEqual([
      '*工单*\nHL-1042',
      '*严重程度*\n🟠 P1 (橙色 · 高)',
      '*状态*\nopen',
      '*类别*\npayroll',
      '*首次响应时限*\n<!date^1716199200^{date_short_pretty} {time}|2024-05-20T10:00:00.000Z>',
    ]);
  });

  it('keeps within Block Kit limits and says when it shortened', () => {
    const para = `${'word & '.repeat(300)}\n\n`;
    const body: OutboundBody = {
      text: para.repeat(40),
      citations: Array.from({ length: 30 }, (_, i) => ({
        n: i + 1,
        source: 's',
        title: 'T'.repeat(400),
        heading: 'H',
        url: 'https://x.example/a|b',
      })),
      buttons: Array.from({ length: 30 }, (_, i) => ({
        action: `a${i}`,
        label: 'L'.repeat(100),
        value: 'v'.repeat(3000),
      })),
      ticket: { id: 't', number: 'HL-1', severity: 'P0', category: 'it', status: 'open' },
    };
    const { text, blocks } = renderSlackBlocks(body, ctx) as { text: string; blocks: Block[] };
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    for (const b of blocks) {
      if (b.text) {
        expect(b.text.text.length).toBeLessThanOrEqual(3000);
        expect(b.text.text).not.toMatch(/&(a|am)?$/); // never cut inside &amp;
      }
      if (b.type === 'context') expect(b.elements?.length).toBeLessThanOrEqual(10);
      if (b.type === 'actions') {
        expect(b.elements?.length).toBeLessThanOrEqual(25);
        for (const e of b.elements ?? []) {
          expect((e.value as string).length).toBeLessThanOrEqual(2000);
          expect((e.text as { text: string }).text.length).toBeLessThanOrEqual(75);
        }
      }
    }
    const sections = blocks.filter((b) => b.type === 'section' && b.text);
    expect(sections.at(-1)?.text?.text).toMatch(/shortened/);
    const context = blocks.filter((b) => b.type === 'context').flatMap((b) => b.elements ?? []);
    expect(context.at(-1)).toEqual({ type: 'mrkdwn', text: '…and 10 more' });
    expect(String(context[0].text)).toContain('<https://x.example/a%7Cb|');
  });

  it('a form becomes a section with an open_form button carrying the form id and language', () => {
    const body: OutboundBody = { text: 'Please describe the anomaly.', form: payrollForm('zh'), lang: 'zh' };
    const { blocks } = renderSlackBlocks(body, ctx) as { blocks: Array<Record<string, unknown>> };
    const form = blocks.find((b) => b.block_id === 'helpline_form') as {
      text: { text: string };
      accessory: { action_id: string; value: string; text: { text: string } };
    };
    expect(form.text.text).toContain('上报薪资异常');
    expect(form.accessory).toMatchObject({
      type: 'button',
      action_id: 'open_form',
      text: { text: '打开表单' },
    });
    expect(JSON.parse(form.accessory.value)).toEqual({ form: 'payroll_anomaly', lang: 'zh' });
    // The press parses back to our action with the form id.
    const press = parseSlack(
      {
        type: 'block_actions',
        user: { id: 'U1' },
        team: { id: 'T1' },
        trigger_id: 't.1',
        channel: { id: 'D1' },
        container: { message_ts: '1.1' },
        actions: [{ action_id: form.accessory.action_id, value: form.accessory.value }],
      },
      0,
    );
    expect(press).toMatchObject({
      ok: true,
      event: { action: { id: 'open_form', value: { form: 'payroll_anomaly' } } },
    });
  });

  it("an engineer's relayed reply says so, subtly", () => {
    const { blocks } = renderSlackBlocks({ text: 'I reset it, try now', author: 'agent' }, ctx) as {
      blocks: Block[];
    };
    expect(blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '_Sent by a support engineer via Helpline_' }],
    });
    const bot = renderSlackBlocks({ text: 'hello' }, ctx) as { blocks: Block[] };
    expect(bot.blocks.some((b) => b.type === 'context')).toBe(false);
  });
});
