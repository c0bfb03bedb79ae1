import { answerQuestion } from '../../assistant/answer-question.ts';
import type { BotReply } from '../../assistant/types.ts';
import { HelplineError } from '../../errors.ts';
import { chatModelFor } from '../../llm/from-config.ts';
import { cliConfig, cliKb } from '../context.ts';
import { type Command, HELP, KB } from './command.ts';
import { eachLine } from './search.ts';

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
    };
    if (values.jsonl)
      return eachLine(io, async (q) => JSON.stringify(askJson((await answerQuestion(deps, q)).reply)));
    const { reply } = await answerQuestion(deps, question);
    if (values.json) io.out(JSON.stringify(askJson(reply), null, 2));
    else {
      io.out(reply.text);
      for (const c of reply.citations)
        io.out(`[${c.n}] ${c.title}${c.heading ? ` › ${c.heading}` : ''} — ${c.url ?? c.source}`);
    }
    return 0;
  },
};
