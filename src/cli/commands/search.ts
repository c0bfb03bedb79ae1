import { HelplineError } from '../../errors.ts';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import type { SearchResult } from '../../knowledge/types.ts';
import type { VectorFilter } from '../../knowledge/vector-index.ts';
import { cliConfig, cliKb } from '../context.ts';
import { eachLine } from '../each-line.ts';
import { type Command, HELP, KB } from './command.ts';

/** The JSON contract of DESIGN §6. */
export function searchJson(r: SearchResult) {
  return {
    query: r.query,
    answerable: r.answerable,
    results: r.results.map(({ passage, score }) => ({
      source: passage.source,
      title: passage.title,
      heading: passage.heading,
      text: passage.text,
      score: Number(score.toFixed(4)),
    })),
  };
}

export const search: Command = {
  usage:
    'helpline search [--kb DIR] [--k N] [--lang zh|en] [--category C] [--source FILE] [--json | --jsonl] QUERY\n  --jsonl reads one query per line of standard input and writes one JSON object per line.\n  --lang, --category, --source keep only passages with that language, category or source file.',
  options: {
    ...HELP,
    ...KB,
    k: { type: 'string' },
    json: { type: 'boolean' },
    jsonl: { type: 'boolean' },
    lang: { type: 'string' },
    category: { type: 'string' },
    source: { type: 'string' },
  },
  async run(values, positionals, io) {
    const config = cliConfig(values);
    const k = values.k === undefined ? config.retrieval.k : Number(values.k);
    if (!Number.isInteger(k) || k < 1 || k > 100)
      throw new HelplineError('USAGE', '--k must be a whole number from 1 to 100.');
    const filter = filterOf(values);
    const query = positionals.join(' ').trim();
    if (!values.jsonl && !query)
      throw new HelplineError(
        'USAGE',
        `Give a query, or use --jsonl with queries on standard input.\n\n${this.usage}`,
      );
    const { kb } = await cliKb(config, io, { dir: values.kb as string | undefined });
    if (values.jsonl) return eachLine(io, async (q) => searchJson(await kb.search(q, k, filter)));
    const result = await kb.search(query, k, filter);
    io.out(values.json ? JSON.stringify(searchJson(result), null, 2) : formatSearch(result));
    return 0;
  },
};

function filterOf(values: Record<string, string | boolean | undefined>): VectorFilter | undefined {
  const { lang, category, source } = values as Record<string, string | undefined>;
  if (lang !== undefined && lang !== 'zh' && lang !== 'en')
    throw new HelplineError('USAGE', '--lang must be zh or en.');
  if (lang === undefined && category === undefined && source === undefined) return undefined;
  return { lang, category, source };
}

function formatSearch(r: SearchResult): string {
  const lines = [
    `${r.answerable ? 'Answerable' : 'Not answerable'} (confidence ${r.confidence.toFixed(2)})`,
    '',
  ];
  r.results.forEach(({ passage, score }, i) => {
    lines.push(
      `${i + 1}. ${passage.title}${passage.heading ? ` › ${passage.heading}` : ''}  [${passage.source}]  ${score.toFixed(3)}`,
    );
    lines.push(`   ${passage.text.replace(/\s+/g, ' ').slice(0, 160)}`);
  });
  if (r.results.length === 0) lines.push('No passages matched.');
  return lines.join('\n');
}

export type { KnowledgeBase };
