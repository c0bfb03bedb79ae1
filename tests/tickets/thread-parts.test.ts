/**
 * Which part of an employee's thread is which ticket's (src/tickets/thread-parts.ts): every message
 * is in at most one ticket's part, from the message that opened it to the next ticket of the thread
 * (or its closing), with a lead-in nobody else holds; tickets stored before the opening message's
 * id was recorded are placed by their words, the bot's announcement, or their time.
 */
import { describe, expect, it } from 'vitest';
import {
  LEAD_IN,
  markOf,
  type ThreadLine,
  type TicketMark,
  threadOwners,
  ticketPart,
} from '../../src/tickets/thread-parts.ts';

const T0 = Date.parse('2026-11-23T02:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** A thread of lines one second apart, with ids m0, m1, … */
const thread = (...lines: Array<[ThreadLine['author'], string, string?]>): ThreadLine[] =>
  lines.map(([author, text, ticketId], i) => ({
    id: `m${i}`,
    author,
    text,
    at: at(i),
    ...(ticketId ? { ticketId } : {}),
  }));

const LAPTOP = '我的笔记本电脑开不了机了';
const HARASSMENT = '另外想私下反映：我的主管王某多次对我性骚扰…请不要告诉别人';

const texts = (lines: ThreadLine[]) => lines.map((l) => l.text);

describe('ticket parts of a thread', () => {
  const lines = thread(
    ['user', LAPTOP],
    ['bot', 'ticket HL-1010 opened', 'dev'],
    ['user', HARASSMENT],
    ['bot', 'ticket HL-1011 opened', 'hr'],
    ['user', 'he did it again yesterday'],
  );
  const device: TicketMark = { id: 'dev', createdAt: at(0.5), closedAt: null, openedBy: 'm0' };
  const harassment: TicketMark = { id: 'hr', createdAt: at(2.5), closedAt: null, openedBy: 'm2' };

  it('gives each ticket its own messages: the device ticket never holds the harassment report', () => {
    expect(texts(ticketPart(lines, [device, harassment], 'dev'))).toEqual([LAPTOP, 'ticket HL-1010 opened']);
    expect(texts(ticketPart(lines, [device, harassment], 'hr'))).toEqual([
      HARASSMENT,
      'ticket HL-1011 opened',
      'he did it again yesterday',
    ]);
    // Whatever order the tickets come in.
    expect(threadOwners(lines, [harassment, device])).toEqual([['dev'], ['dev'], ['hr'], ['hr'], ['hr']]);
  });

  it('ends a part when its ticket is closed; later questions are the next ticket’s lead-in, or nobody’s', () => {
    const closed = { ...device, closedAt: at(1.5) };
    const qa = thread(
      ['user', LAPTOP],
      ['bot', 'ticket opened', 'dev'],
      ['user', 'how do I book a meeting room?'],
      ['bot', 'here is how'],
      ['user', '转人工'],
    );
    expect(threadOwners(qa, [closed])).toEqual([['dev'], ['dev'], [], [], []]);
    const human: TicketMark = { id: 'h', createdAt: at(4.5), closedAt: null, openedBy: 'm4' };
    expect(texts(ticketPart(qa, [closed, human], 'h'))).toEqual([
      'how do I book a meeting room?',
      'here is how',
      '转人工',
    ]);
    expect(texts(ticketPart(qa, [closed, human], 'dev'))).toEqual([LAPTOP, 'ticket opened']);
  });

  it('keeps the lead-in to LEAD_IN lines before the opening message', () => {
    const long = thread(
      ...Array.from(
        { length: LEAD_IN + 5 },
        (_, i) => ['user', `question ${i}`] as [ThreadLine['author'], string],
      ),
      ['user', 'talk to a human'],
    );
    const t: TicketMark = {
      id: 't',
      createdAt: at(LEAD_IN + 6),
      closedAt: null,
      openedBy: `m${LEAD_IN + 5}`,
    };
    const part = ticketPart(long, [t], 't');
    expect(part).toHaveLength(LEAD_IN + 1);
    expect(part[0].text).toBe('question 5');
  });

  it('places tickets stored without the opening message id by its words, the announcement, or the time', () => {
    // Two messages sent before the first was answered: only the words tell which opened which.
    const quick = thread(
      ['user', LAPTOP],
      ['user', HARASSMENT],
      ['bot', 'ticket HL-1010 opened', 'dev'],
      ['bot', 'ticket HL-1011 opened', 'hr'],
    );
    const byWords = [
      { id: 'dev', createdAt: at(1.5), closedAt: null, openedWith: LAPTOP },
      { id: 'hr', createdAt: at(2.5), closedAt: null, openedWith: HARASSMENT },
    ];
    expect(texts(ticketPart(quick, byWords, 'dev'))).toEqual([LAPTOP]);
    expect(texts(ticketPart(quick, byWords, 'hr'))).not.toContain(LAPTOP);

    const byAnnouncement = [
      { id: 'dev', createdAt: at(0.5), closedAt: null },
      { id: 'hr', createdAt: at(2.5), closedAt: null },
    ];
    expect(threadOwners(lines, byAnnouncement)).toEqual([['dev'], ['dev'], ['hr'], ['hr'], ['hr']]);

    const plain = thread(['user', LAPTOP], ['bot', 'opened'], ['user', HARASSMENT], ['bot', 'opened']);
    const byTime = [
      { id: 'dev', createdAt: at(0.5), closedAt: null },
      { id: 'hr', createdAt: at(2.5), closedAt: null },
    ];
    expect(texts(ticketPart(plain, byTime, 'dev'))).toEqual([LAPTOP, 'opened']);
  });

  it('takes a ticket it cannot place as begun before every line: it hides lines, never shows them', () => {
    const untimed: ThreadLine[] = [
      { author: 'user', text: HARASSMENT },
      { author: 'bot', text: 'opened' },
      { author: 'user', text: LAPTOP },
    ];
    expect(threadOwners(untimed, [{ id: 'hr', createdAt: at(0), closedAt: null }])).toEqual([
      ['hr'],
      ['hr'],
      ['hr'],
    ]);
  });

  it('reads the opening message from a ticket’s transcript: the id of its last user line', () => {
    const mark = markOf({
      id: 'x',
      createdAt: at(3),
      closedAt: null,
      transcript: [
        { id: 'm0', author: 'user', text: 'question' },
        { id: 'm1', author: 'bot', text: 'answer' },
        { id: 'm2', author: 'user', text: '转人工' },
      ],
    });
    expect(mark).toEqual({ id: 'x', createdAt: at(3), closedAt: null, openedBy: 'm2', openedWith: '转人工' });
  });
});
