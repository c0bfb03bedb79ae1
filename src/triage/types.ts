/** Labels and shapes of the triage classifier (DESIGN §3 severity, §4 categories). */

export const INTENTS = ['question', 'incident', 'request', 'human', 'smalltalk'] as const;
export type Intent = (typeof INTENTS)[number];

/** Most severe first: index 0 is P0. */
export const SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = [
  'leave',
  'attendance',
  'payroll',
  'benefits',
  'account',
  'device',
  'org_change',
  'report',
  'integration',
  'security',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Reporter roles the labelled set uses; other role strings are accepted and treated as `employee`. */
export const ROLES = ['employee', 'hr_admin', 'manager', 'engineer'] as const;
export type Role = (typeof ROLES)[number];

export interface TriageInput {
  text: string;
  /** Reporter role from the platform profile or config (`hr_admin` raises payroll anomalies). */
  role?: string;
  /** Distinct reporters of the same issue so far (mass incident, DESIGN §2.8). */
  reporters?: number;
  /** The asker's language, if the caller knows it. A hint only: features work on either language. */
  lang?: 'zh' | 'en';
}

export interface TriageSignal {
  /** Stable name, e.g. `scope_company`, `security_breach`. */
  name: string;
  /** The text that matched (or a description such as `role=hr_admin`). */
  match: string;
  /** What the signal did to the result, e.g. `severity≥P1`; absent when it only informed the model. */
  effect?: string;
}

export interface TriageResult {
  intent: Intent;
  severity: Severity;
  category: Category;
  /** One or two plain-English sentences naming what decided. */
  rationale: string;
  signals: TriageSignal[];
  /** Probability-like scores in [0, 1]; a label set by an explicit rule scores at least 0.9. */
  confidence: { intent: number; severity: number; category: number };
}

/** One line of the labelled training set. */
export interface LabelledMessage {
  text: string;
  lang: 'zh' | 'en';
  role: Role;
  intent: Intent;
  severity: Severity;
  category: Category;
  /** Stable id within its file (the voice sets have one; the original set does not). */
  id?: string;
  /** Who wrote it: `original` for triage-train.jsonl, else the voice of an independent writer. */
  voice?: string;
  /** The writer's one-line reason for the labels. */
  why?: string;
}

/** Index of a severity, 0 = P0 (most severe). */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** The more severe of two severities. */
export function moreSevere(a: Severity, b: Severity): Severity {
  return severityRank(a) <= severityRank(b) ? a : b;
}
