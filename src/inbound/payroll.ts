/**
 * The payroll-anomaly report of an HR admin (DESIGN §2 flow 4): the submitted form becomes a
 * sensitive payroll ticket of at least P1. The triage card shows only a masked summary (§7); the
 * full details go by DM to the people whose role may see them.
 */
import type { Lang } from '../knowledge/types.ts';
import type { OpenTicketInput } from '../tickets/ticket-service.ts';
import type { Severity, TriageInput, TriageResult } from '../triage/types.ts';
import { payrollForm } from './forms.ts';

/** Roles that receive the full details of a payroll report. */
export const PAYROLL_ROLES = ['hr_admin', 'admin'] as const;

export interface PayrollReport {
  period: string;
  affected: string;
  discrepancy: string;
  description: string;
}

const ORDER: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];
const atLeastP1 = (s: Severity): Severity => (ORDER.indexOf(s) <= 1 ? s : 'P1');

/** The report, or the labels of the fields that are missing. */
export function readPayrollForm(
  form: Record<string, string> | undefined,
  lang: Lang,
): { ok: true; report: PayrollReport } | { ok: false; missing: string[] } {
  const spec = payrollForm(lang);
  const value = (name: string) => (form?.[name] ?? '').trim().slice(0, 2000);
  const missing = spec.fields.filter((f) => f.required && !value(f.name)).map((f) => f.label);
  if (missing.length) return { ok: false, missing };
  return {
    ok: true,
    report: {
      period: value('period'),
      affected: value('affected'),
      discrepancy: value('discrepancy'),
      description: value('description'),
    },
  };
}

export function payrollTicket(
  report: PayrollReport,
  who: { requesterId: string; threadId: string; lang: Lang; at: Date },
  classify: (input: TriageInput) => TriageResult,
): OpenTicketInput {
  const text = `${report.discrepancy}. ${report.description}`;
  const triage = classify({ text, role: 'hr_admin', lang: who.lang });
  const severity = atLeastP1(triage.severity);
  const title =
    who.lang === 'zh'
      ? `薪资异常 ${report.period}：${report.affected} 人受影响`
      : `Payroll anomaly ${report.period}: ${report.affected} employees affected`;
  return {
    title,
    severity,
    category: 'payroll',
    intent: 'incident',
    rationale: `Payroll anomaly reported by an HR admin through the form: at least P1 (DESIGN flow 4).${severity !== 'P1' ? ` ${triage.rationale}` : ''}`,
    signals: triage.signals,
    sensitive: true,
    requesterId: who.requesterId,
    threadId: who.threadId,
    transcript: [{ author: 'user', text: payrollDetailsText(report, who.lang), at: who.at.toISOString() }],
  };
}

/** Every field, for the DMs of authorized roles and the ticket's (access-controlled) transcript. */
export function payrollDetailsText(report: PayrollReport, lang: Lang): string {
  const spec = payrollForm(lang);
  return spec.fields.map((f) => `${f.label}: ${report[f.name as keyof PayrollReport]}`).join('\n');
}
