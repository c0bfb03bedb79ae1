import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { HelplineError } from '../../errors.ts';
import { readJsonl } from '../../eval/jsonl.ts';
import { evaluateRetrieval, formatRetrievalReport, type KbQuestion } from '../../eval/retrieval-eval.ts';
import { cliConfig, cliKb } from '../context.ts';
import { type Command, HELP } from './command.ts';

/** Where the shared labelled sets sit beside a checkout; used when no path is given. */
const SHARED = resolve('../shared');

export const evaluate: Command = {
  summary: 'measure retrieval (recall@k, MRR, abstention) on a labelled question set',
  usage:
    'helpline eval [--kb DIR] [--questions FILE] [--k N] [--json]\n' +
    `  defaults: --kb ${SHARED}/eval-kb --questions ${SHARED}/eval/kb-questions.dev.jsonl`,
  options: {
    ...HELP,
    kb: { type: 'string' },
    questions: { type: 'string' },
    k: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const kbDir = (values.kb as string | undefined) ?? `${SHARED}/eval-kb`;
    const questionsFile = (values.questions as string | undefined) ?? `${SHARED}/eval/kb-questions.dev.jsonl`;
    if (!existsSync(questionsFile))
      throw new HelplineError('USAGE', `No question set at ${questionsFile}; pass --questions FILE.`);
    const k = Number(values.k ?? 10);
    const config = cliConfig({});
    const { kb, summary } = await cliKb(config, io, { dir: kbDir });
    const questions = readJsonl<KbQuestion>(questionsFile);
    const started = performance.now();
    const report = await evaluateRetrieval(questions, (q) => kb.search(q, Math.max(k, 10)));
    const ms = performance.now() - started;
    if (values.json) {
      io.out(
        JSON.stringify(
          { kb: kbDir, questions: questionsFile, passages: summary.passages, retrieval: report },
          null,
          2,
        ),
      );
      return 0;
    }
    io.out(
      `KB ${kbDir}: ${summary.passages} passages · ${questions.length} questions · ${(ms / questions.length).toFixed(2)} ms/question\n`,
    );
    io.out(formatRetrievalReport(report));
    if (report.misses.length) {
      io.out('\nNot at rank 1 (or wrongly answered/declined):');
      for (const m of report.misses)
        io.out(`  ${m.id.padEnd(12)} rank ${m.rank ?? '-'}${m.declined ? ' (declined)' : ''}  ${m.question}`);
    }
    return 0;
  },
};
