import { describe, expect, it } from 'vitest';
import { findParentIncident, severityForReporters, similarity } from '../../src/incidents/mass-incident.ts';

const t0 = new Date('2026-11-23T01:00:00Z');
const open = [
  {
    id: 'a',
    text: '打卡系统进不去了，一直转圈',
    category: 'attendance',
    createdAt: t0,
    reporters: 1,
    severity: 'P2' as const,
  },
  {
    id: 'b',
    text: 'VPN keeps disconnecting every few minutes',
    category: 'device',
    createdAt: t0,
    reporters: 2,
    severity: 'P2' as const,
  },
];

describe('mass incidents', () => {
  it('links a similar report of the same category within the window', () => {
    const at = new Date(t0.getTime() + 10 * 60_000);
    expect(findParentIncident({ text: '打卡系统进不去', category: 'attendance', at }, open)?.id).toBe('a');
    expect(findParentIncident({ text: 'VPN disconnecting again', category: 'device', at }, open)?.id).toBe(
      'b',
    );
  });

  it('links across categories only when the two reports say nearly the same thing', () => {
    const at = new Date(t0.getTime() + 10 * 60_000);
    // The classifier filed the same words under another category: still the same outage.
    expect(findParentIncident({ text: '打卡系统进不去', category: 'payroll', at }, open)?.id).toBe('a');
    // Related words in another category are another problem.
    expect(
      findParentIncident({ text: '打卡系统进不去，工资条也打不开', category: 'payroll', at }, open),
    ).toBeUndefined();
  });

  it('does not link outside the window, or unrelated reports', () => {
    const at = new Date(t0.getTime() + 10 * 60_000);
    expect(
      findParentIncident(
        { text: '打卡系统进不去', category: 'attendance', at: new Date(t0.getTime() + 31 * 60_000) },
        open,
      ),
    ).toBeUndefined();
    expect(
      findParentIncident({ text: '我的工资条少了加班费', category: 'attendance', at }, open),
    ).toBeUndefined();
    expect(
      findParentIncident({ text: 'x', category: 'attendance', at }, open, { windowMs: 60 * 60_000 }),
    ).toBeUndefined();
  });

  it('raises severity with the number of distinct reporters, never lowers it, and says why', () => {
    expect(severityForReporters('P2', 2)).toEqual({ severity: 'P2' });
    expect(severityForReporters('P2', 3).severity).toBe('P1');
    const p0 = severityForReporters('P2', 5);
    expect(p0.severity).toBe('P0');
    expect(p0.reason).toMatch(/5 distinct employees/);
    expect(severityForReporters('P0', 3)).toEqual({ severity: 'P0' });
  });

  it('similarity is symmetric and 0 for empty text', () => {
    expect(similarity('VPN down', 'down VPN')).toBe(1);
    expect(similarity('', 'VPN')).toBe(0);
  });
});
