/**
 * Mass incidents (DESIGN §2 flow 8): several employees reporting the same problem within a short
 * window are linked to one parent incident, whose severity rises with the number of distinct
 * reporters. Pure decisions here; the ticket service applies them.
 */

import { terms } from '../knowledge/tokenize.ts';
import type { Severity } from '../sla/types.ts';
import {
  MASS_INCIDENT_P0_REPORTERS as P0_REPORTERS,
  MASS_INCIDENT_P1_REPORTERS as P1_REPORTERS,
} from '../triage/classify.ts';

export interface IncidentReport {
  text: string;
  category: string;
  at: Date;
}

export interface OpenIncident {
  id: string;
  text: string;
  category: string;
  createdAt: Date;
  /** Distinct reporters linked so far, the opener included. */
  reporters: number;
  severity: Severity;
}

export interface MassIncidentOptions {
  /** How far back a report may join an open incident. @defaultValue 30 minutes */
  windowMs?: number;
  /** Least similarity (Dice over words and bigrams) of the two reports. @defaultValue 0.3 */
  minSimilarity?: number;
  /**
   * Least similarity from which a report joins an incident the classifier filed under another
   * category: two wordings of one outage ("the expense system is down… login fails") can land in
   * `other` and `account`. @defaultValue 0.7
   */
  minSimilarityAcrossCategories?: number;
}

export function similarity(a: string, b: string): number {
  const x = new Set(terms(a));
  const y = new Set(terms(b));
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return (2 * shared) / (x.size + y.size);
}

/**
 * The open incident within the window most similar to the report, if any: of the same category, or
 * of another when the two reports say nearly the same thing.
 */
export function findParentIncident(
  report: IncidentReport,
  open: OpenIncident[],
  options: MassIncidentOptions = {},
): OpenIncident | undefined {
  const windowMs = options.windowMs ?? 30 * 60_000;
  const min = options.minSimilarity ?? 0.3;
  const minAcross = options.minSimilarityAcrossCategories ?? 0.7;
  let best: { incident: OpenIncident; score: number } | undefined;
  for (const incident of open) {
    const age = report.at.getTime() - incident.createdAt.getTime();
    if (age < 0 || age > windowMs) continue;
    const score = similarity(report.text, incident.text);
    const least = incident.category === report.category ? min : minAcross;
    if (score >= least && (!best || score > best.score)) best = { incident, score };
  }
  return best?.incident;
}

/** The severity an incident should have with `reporters` distinct reporters, and why; never lowers it. */
export function severityForReporters(
  current: Severity,
  reporters: number,
): { severity: Severity; reason?: string } {
  const target: Severity | undefined =
    reporters >= P0_REPORTERS ? 'P0' : reporters >= P1_REPORTERS ? 'P1' : undefined;
  if (!target || rank(target) <= rank(current)) return { severity: current };
  return {
    severity: target,
    reason: `${reporters} distinct employees reported the same problem (≥ ${target === 'P0' ? P0_REPORTERS : P1_REPORTERS} → ${target})`,
  };
}

function rank(s: Severity): number {
  return 3 - Number(s[1]);
}
