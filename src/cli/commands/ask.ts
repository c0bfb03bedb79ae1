import { previewReply } from '../../assistant/preview.ts';
import type { BotReply } from '../../assistant/types.ts';
import { HelplineError } from '../../errors.ts';
import { chatModelFor } from '../../llm/from-config.ts';
import { classify } from '../../triage/classify.ts';
import { cliConfig, cliKb } from '../context.ts';
import { eachLine } from '../each-line.ts';
import { type Command, HELP, KB } from './command.ts';

/** The JSON contract of DESIGN §6. */
export function askJson(reply: BotReply) {
  return {
    answer: reply.text,
    action: reply.action,
    citations: reply.citations.map((c) => ({ source: c.source, title: c.title, heading: c.heading })),
  };
}

export const ask: Command = {
  usage: 'helpline ask [--kb DIR] [--json | --jsonl] QUESTION',
  options: { ...HELP, ...KB, json: { type: 'boolean' }, jsonl: { type: 'boolean' } },
  async run(values, positionals, io) {
    const config = cliConfig(values);
    const question = positionals.join(' ').trim();
    if (!values.jsonl && !question) throw new HelplineError('USAGE', `Give a question.\n\n${this.usage}`);
    const { kb } = await cliKb(config, io, { dir: values.kb as string | undefined });
    const deps = {
      kb,
      chat: chatModelFor(config),
      k: config.retrieval.k,
      onFallback: (reason: string) => io.err(`(answer fell back to extractive: ${reason})`),
      // The route a chat turn takes: a report or "转人工" is a ticket, not an answer (offline triage).
      classify,
      policy: config.sla.policy,
    };
    if (values.jsonl)
      // With the question it answers, as search's objects carry their query: scripts re-align on it.
      return eachLine(io, async (q) => ({ question: q, ...askJson(await previewReply(deps, q)) }));
    const reply = await previewReply(deps, question);
    if (values.json) io.out(JSON.stringify(askJson(reply), null, 2));
    else {
      io.out(reply.text);
      for (const c of reply.citations)
        io.out(`[${c.n}] ${c.title}${c.heading ? ` › ${c.heading}` : ''} — ${c.url ?? c.source}`);
    }
    return 0;
  },
};
