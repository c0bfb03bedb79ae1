import { HelplineError } from '../../errors.ts';
import { classify as classifyMessage } from '../../triage/classify.ts';
import type { TriageResult } from '../../triage/types.ts';
import { type Command, HELP } from './command.ts';
import { eachLine } from './search.ts';

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

export const classify: Command = {
  summary: 'intent, severity P0–P3, category and rationale for a message',
  usage:
    'helpline classify [--role ROLE] [--json | --jsonl] TEXT\n' +
    '  --role employee|hr_admin|manager|engineer   the reporter role (hr_admin raises payroll anomalies)\n' +
    '  --jsonl reads one message per line of standard input and writes one JSON object per line.',
  options: { ...HELP, role: { type: 'string' }, json: { type: 'boolean' }, jsonl: { type: 'boolean' } },
  async run(values, positionals, io) {
    const role = values.role as string | undefined;
    const text = positionals.join(' ').trim();
    if (values.jsonl)
      return eachLine(io, async (line) =>
        JSON.stringify(classifyJson(classifyMessage({ text: line, role }))),
      );
    if (!text) throw new HelplineError('USAGE', `Give a message to classify.\n\n${this.usage}`);
    const r = classifyMessage({ text, role });
    if (values.json) io.out(JSON.stringify(classifyJson(r), null, 2));
    else {
      io.out(`${r.severity} · ${r.category} · ${r.intent}`);
      io.out(r.rationale);
      for (const s of r.signals) io.out(`  - ${s.name}: "${s.match}"${s.effect ? ` → ${s.effect}` : ''}`);
    }
    return 0;
  },
};
