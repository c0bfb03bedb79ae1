import { existsSync } from 'node:fs';
import { HelplineError } from '../../errors.ts';
import { classify as classifyMessage } from '../../triage/classify.ts';
import type { LlmTriageReport } from '../../triage/llm-classify.ts';
import { ROLES, type TriageInput, type TriageResult } from '../../triage/types.ts';
import { eachLine } from '../each-line.ts';
import type { Io } from '../io.ts';
import { type Command, HELP } from './command.ts';

/** The JSON contract of DESIGN §6. */
export function classifyJson(r: TriageResult) {
  return {
    intent: r.intent,
    severity: r.severity,
    category: r.category,
    rationale: r.rationale,
    signals: r.signals,
  };
}

type Classifier = (input: TriageInput) => Promise<TriageResult>;

/**
 * Offline, or offline plus the LLM second opinion when an endpoint is configured (OPENAI_BASE_URL /
 * OPENAI_API_KEY, or llm.* in the config file). The config and the `openai` client are loaded only
 * then, so a one-shot offline call stays cheap.
 */
async function classifier(offline: boolean, io: Io): Promise<{ run: Classifier; done: () => void }> {
  const offlineRun: Classifier = async (input) => classifyMessage(input);
  const maybe =
    !offline &&
    (process.env.OPENAI_BASE_URL ||
      process.env.OPENAI_API_KEY ||
      process.env.HELPLINE_CONFIG ||
      existsSync('helpline.config.yaml'));
  if (!maybe) return { run: offlineRun, done: () => {} };
  const [{ loadConfig }, { classifyWithLlm }, { triageChatModelFor }] = await Promise.all([
    import('../../config/load.ts'),
    import('../../triage/llm-classify.ts'),
    import('../../triage/llm-chat-model.ts'),
  ]);
  const llm = triageChatModelFor(loadConfig());
  if (!llm) return { run: offlineRun, done: () => {} };
  const counts = new Map<string, number>();
  const onReport = (r: LlmTriageReport) => {
    counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
    if (r.error)
      io.err(
        `helpline classify: LLM second opinion unavailable (${r.outcome}: ${r.error}); offline result used.`,
      );
  };
  return {
    run: (input) => classifyWithLlm(input, llm, { onReport }),
    done: () => {
      if (counts.size > 1 || [...counts.values()].some((n) => n > 1))
        io.err(`LLM second opinion: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`);
    },
  };
}

export const classify: Command = {
  usage:
    'helpline classify [--role ROLE] [--offline] [--json | --jsonl] TEXT\n' +
    `  --role ${ROLES.join('|')}   the reporter role (hr_admin raises payroll anomalies)\n` +
    '  --jsonl reads one message per line of standard input and writes one JSON object per line.\n' +
    '  With OPENAI_BASE_URL (or OPENAI_API_KEY) set, an LLM gives a second opinion (prompts/classify.md);\n' +
    '  --offline skips it.',
  options: {
    ...HELP,
    role: { type: 'string' },
    json: { type: 'boolean' },
    jsonl: { type: 'boolean' },
    offline: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    const role = values.role as string | undefined;
    if (role !== undefined && !(ROLES as readonly string[]).includes(role))
      throw new HelplineError('USAGE', `--role must be one of ${ROLES.join(', ')}; got "${role}".`);
    const text = positionals.join(' ').trim();
    if (!values.jsonl && !text)
      throw new HelplineError('USAGE', `Give a message to classify.\n\n${this.usage}`);
    const { run, done } = await classifier(values.offline === true, io);
    if (values.jsonl) {
      const code = await eachLine(io, async (q) => classifyJson(await run({ text: q, role })));
      done();
      return code;
    }
    const r = await run({ text, role });
    done();
    if (values.json) io.out(JSON.stringify(classifyJson(r), null, 2));
    else {
      io.out(`${r.severity} · ${r.category} · ${r.intent}`);
      io.out(r.rationale);
      for (const s of r.signals) io.out(`  - ${s.name}: "${s.match}"${s.effect ? ` → ${s.effect}` : ''}`);
    }
    return 0;
  },
};
