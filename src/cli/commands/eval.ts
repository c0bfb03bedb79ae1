import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { HelplineError } from '../../errors.ts';
import { evaluateRetrieval, formatRetrievalReport } from '../../eval/retrieval-eval.ts';
import { evaluateTriage, formatTriageReport } from '../../triage/evaluate.ts';
import { cliConfig, cliKb } from '../context.ts';
import { readKbQuestions, readTriageItems } from '../eval-sets.ts';
import { type Command, HELP } from './command.ts';

/** Where the shared labelled sets sit beside a checkout; used when no path is given. */
const SHARED = resolve('../shared');

export const evaluate: Command = {
  usage:
    'helpline eval [--kb DIR] [--questions FILE] [--triage FILE] [--k N] [--json]\n' +
    `  defaults: --kb ${SHARED}/eval-kb --questions ${SHARED}/eval/kb-questions.dev.jsonl --triage ${SHARED}/eval/triage.dev.jsonl\n` +
    '  --triage none skips the triage set; --questions none skips retrieval.',
  options: {
    ...HELP,
    kb: { type: 'string' },
    questions: { type: 'string' },
    triage: { type: 'string' },
    k: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const kbDir = (values.kb as string | undefined) ?? `${SHARED}/eval-kb`;
    const questionsFile = (values.questions as string | undefined) ?? `${SHARED}/eval/kb-questions.dev.jsonl`;
    const triageFile = (values.triage as string | undefined) ?? `${SHARED}/eval/triage.dev.jsonl`;
    const wantRetrieval = questionsFile !== 'none';
    const wantTriage = triageFile !== 'none' && (values.triage !== undefined || existsSync(triageFile));
    if (wantRetrieval && !existsSync(questionsFile))
      throw new HelplineError('USAGE', `No question set at ${questionsFile}; pass --questions FILE.`);
    if (wantTriage && !existsSync(triageFile))
      throw new HelplineError(
        'USAGE',
        `No triage set at ${triageFile}; pass --triage FILE or --triage none.`,
      );
    const k = Number(values.k ?? 10);
    if (!Number.isInteger(k) || k < 1 || k > 100)
      throw new HelplineError('USAGE', '--k must be a whole number from 1 to 100.');
    // Both sets are checked before the KB opens: a bad line fails in milliseconds, not after an ingest.
    const questions = wantRetrieval ? readKbQuestions(questionsFile) : [];
    const items = wantTriage ? readTriageItems(triageFile) : [];
    const out: Record<string, unknown> = {};
    if (wantRetrieval) {
      const { kb, summary } = await cliKb(cliConfig({}), io, { dir: kbDir });
      const started = performance.now();
      const report = await evaluateRetrieval(questions, (q) => kb.search(q, Math.max(k, 10)));
      const ms = performance.now() - started;
      Object.assign(out, {
        kb: kbDir,
        questions: questionsFile,
        passages: summary.passages,
        retrieval: report,
      });
      if (!values.json) {
        io.out(
          `KB ${kbDir}: ${summary.passages} passages · ${questions.length} questions · ${(ms / questions.length).toFixed(2)} ms/question\n`,
        );
        io.out(formatRetrievalReport(report));
        if (report.misses.length) {
          io.out('\nNot at rank 1 (or wrongly answered/declined):');
          for (const m of report.misses)
            io.out(
              `  ${m.id.padEnd(12)} rank ${m.rank ?? '-'}${m.declined ? ' (declined)' : ''}  ${m.question}`,
            );
        }
      }
    }
    if (wantTriage) {
      const report = evaluateTriage(items);
      Object.assign(out, { triageSet: triageFile, triage: report });
      if (!values.json) io.out(`\n${formatTriageReport(report)}`);
    }
    if (values.json) io.out(JSON.stringify(out, null, 2));
    return 0;
  },
};
