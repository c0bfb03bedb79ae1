/**
 * A draft KB article from a resolved ticket (DESIGN §2 flow 7): front matter as the KB's own
 * articles have it (title, category, lang, questions, keywords, updated), the employee's question
 * and the engineer's fix — the replies they sent and the resolution note — with personal data
 * masked (src/privacy/pii.ts), for an editor to change and publish. Pure: the caller reads the
 * ticket, its audit log and its thread.
 */
import { stringify } from 'yaml';
import type { StoredMessage } from '../../conversations/types.ts';
import { maskPii } from '../../privacy/pii.ts';
import type { Ticket, TicketEvent } from '../../tickets/types.ts';
import { information } from '../information.ts';
import { detectLang } from '../ingest/detect-lang.ts';
import { wordsOf } from '../tokenize.ts';

export interface ArticleDraft {
  /** A suggested path in the KB folder: `<lang>/<slug>.md`. */
  path: string;
  markdown: string;
  title: string;
  lang: 'zh' | 'en';
  ticket: string;
}

/** How an engineer's relayed message is labelled in the employee's thread (console and relay). */
const AGENT_LABEL = /^\s*(?:Engineer|工程师)\s*(?:\([^)]*\))?\s*[:：]\s*/;
const KEYWORDS = 6;

const HEADINGS = {
  en: { question: 'The question', fix: 'What to do', none: '(Write the solution here.)' },
  zh: { question: '问题', fix: '解决方法', none: '（在此写出解决方法。）' },
} as const;

function keywordsOf(text: string): string[] {
  const seen = new Set<string>();
  const scored: { word: string; info: number }[] = [];
  // Unstemmed words as written, so the keywords read naturally; the most telling first.
  for (const raw of text.match(/[\p{L}\p{N}][\p{L}\p{N}-]*/gu) ?? []) {
    const cjk = /[\u3400-\u9fff]/.test(raw);
    for (const w of cjk ? wordsOf(raw) : [raw.toLowerCase()]) {
      // Chinese words come from the segmenter already; English ones are stemmed to compare.
      const term = cjk ? w : wordsOf(w)[0];
      if (!term || seen.has(term) || w.length < 2 || /^\d+$/.test(w)) continue;
      seen.add(term);
      scored.push({ word: w, info: information(term) });
    }
  }
  // Search mode also yields the pieces of a long Chinese word (错误码 → 错误, 误码): the word stays.
  return scored
    .filter(
      (s) =>
        !scored.some((o) => o.word !== s.word && o.word.includes(s.word) && /[\u3400-\u9fff]/.test(s.word)),
    )
    .sort((a, b) => b.info - a.info)
    .slice(0, KEYWORDS)
    .map((s) => s.word);
}

/** An English title's words, or the ticket number for a Chinese one (the editor may rename it). */
function slugOf(title: string, ticket: string): string {
  if (/[\u3400-\u9fff]/.test(title)) return ticket.toLowerCase();
  const latin = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return latin.length >= 3 ? latin : ticket.toLowerCase();
}

export function draftArticle(input: {
  ticket: Ticket;
  events: readonly TicketEvent[];
  messages: readonly StoredMessage[];
  now: Date;
}): ArticleDraft {
  const { ticket } = input;
  const asked = ticket.transcript.filter((l) => l.author === 'user').map((l) => l.text.trim());
  const question = maskPii(
    (asked.length > 0
      ? asked
      : input.messages
          .filter((m) => m.author === 'user')
          .slice(0, 3)
          .map((m) => m.text)
    )
      .filter(Boolean)
      .join('\n\n'),
  );
  const fixes: string[] = [];
  const add = (text: string | null | undefined) => {
    const t = (text ?? '').replace(AGENT_LABEL, '').trim();
    if (t && !t.startsWith('//') && !fixes.includes(t)) fixes.push(t);
  };
  for (const e of input.events) if (e.action === 'agent_replied') add(e.reason);
  for (const m of input.messages) if (m.author === 'agent') add(m.text);
  const resolved = [...input.events].reverse().find((e) => e.action === 'resolved');
  add(resolved?.reason);
  const lang = detectLang(`${ticket.title}\n${question}`) === 'zh' ? 'zh' : 'en';
  const title = maskPii(ticket.title).trim() || ticket.number;
  const h = HEADINGS[lang];
  const front = {
    title,
    category: ticket.category,
    lang,
    questions: asked.length > 0 ? asked.map(maskPii).map((q) => q.split('\n')[0].slice(0, 200)) : [],
    keywords: keywordsOf(`${title}\n${question}`),
    updated: input.now.toISOString().slice(0, 10),
    source_ticket: ticket.number,
  };
  const body = [
    `# ${title}`,
    '',
    `## ${h.question}`,
    '',
    question || title,
    '',
    `## ${h.fix}`,
    '',
    fixes.length > 0 ? fixes.map(maskPii).join('\n\n') : h.none,
    '',
  ].join('\n');
  return {
    path: `${lang}/${slugOf(title, ticket.number)}.md`,
    markdown: `---\n${stringify(front, { lineWidth: 0 })}---\n${body}`,
    title,
    lang,
    ticket: ticket.number,
  };
}
