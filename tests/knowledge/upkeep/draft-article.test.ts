/**
 * A draft article from a resolved ticket (src/knowledge/upkeep/draft-article.ts): front matter the
 * KB's loader reads back, the employee's words with personal data masked, the engineer's replies
 * (without the relay's "工程师：" label, internal notes left out) and the resolution note.
 */
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../../src/conversations/types.ts';
import { checkKbFile } from '../../../src/knowledge/ingest/ingest.ts';
import { splitFrontMatter } from '../../../src/knowledge/ingest/load-markdown.ts';
import { draftArticle } from '../../../src/knowledge/upkeep/draft-article.ts';
import type { Ticket, TicketEvent } from '../../../src/tickets/types.ts';

const ticket = {
  number: 'HL-1042',
  title: '手机打卡失败 错误码E1003',
  category: 'attendance',
  transcript: [{ author: 'user', text: '我手机打卡一直失败，提示错误码E1003，我的电话 13812345678' }],
} as unknown as Ticket;

const message = (author: StoredMessage['author'], text: string) => ({ author, text }) as StoredMessage;
const event = (action: string, reason: string) => ({ action, reason }) as unknown as TicketEvent;

describe('drafting an article from a ticket', () => {
  it('writes a Chinese article ingest accepts, masked, with the fix and the resolution note', async () => {
    const draft = draftArticle({
      ticket,
      events: [event('note', '// 内部：厂商工单 42'), event('resolved', '已开启定位权限。')],
      messages: [
        message('user', '我手机打卡一直失败'),
        message('agent', '工程师：请在手机设置里允许考勤 App 使用精确位置，然后重新打卡。'),
      ],
      now: new Date('2026-12-07T08:00:00Z'),
    });
    expect(draft).toMatchObject({ lang: 'zh', path: 'zh/hl-1042.md', ticket: 'HL-1042' });
    const { data, body } = splitFrontMatter(draft.markdown);
    expect(data).toMatchObject({
      title: '手机打卡失败 错误码E1003',
      category: 'attendance',
      lang: 'zh',
      updated: '2026-12-07',
      source_ticket: 'HL-1042',
    });
    expect(data.keywords).toEqual(expect.arrayContaining(['打卡', '错误码', 'e1003']));
    expect(data.keywords).not.toContain('误码');
    expect(draft.markdown).not.toContain('13812345678');
    expect(body).toContain(
      '## 解决方法\n\n请在手机设置里允许考勤 App 使用精确位置，然后重新打卡。\n\n已开启定位权限。',
    );
    expect(body).not.toContain('工程师：');
    expect(body).not.toContain('厂商工单');
    const checked = await checkKbFile(new TextEncoder().encode(draft.markdown), draft.path);
    expect(checked.passages?.length).toBeGreaterThan(0);
  });

  it('leaves a placeholder when the ticket holds no fix', () => {
    const draft = draftArticle({
      ticket: {
        ...ticket,
        title: 'VPN drops every hour',
        transcript: [{ author: 'user', text: 'my VPN drops' }],
      },
      events: [],
      messages: [],
      now: new Date('2026-12-07T08:00:00Z'),
    });
    expect(draft).toMatchObject({ lang: 'en', path: 'en/vpn-drops-every-hour.md' });
    expect(draft.markdown).toContain('## What to do\n\n(Write the solution here.)');
  });
});
