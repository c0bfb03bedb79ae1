import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import {
  ALWAYS_OPEN,
  BUILTIN_CALENDARS,
  CN_BUSINESS,
  withBuiltinCalendars,
} from '../../src/sla/calendars/builtin.ts';
import { assertValidPolicy, budgetMs, DEFAULT_SLA_POLICY, validatePolicy } from '../../src/sla/policy.ts';
import type { BusinessCalendar, SlaPolicy } from '../../src/sla/types.ts';
import { H, MIN } from './fixtures.ts';

describe('DEFAULT_SLA_POLICY (DESIGN §3)', () => {
  it('is valid against the built-in calendars', () => {
    expect(validatePolicy(DEFAULT_SLA_POLICY, BUILTIN_CALENDARS)).toEqual([]);
  });

  it('gives the table’s budgets, a business day being 8 h on cn-business', () => {
    const b = (s: 'P0' | 'P1' | 'P2' | 'P3', k: 'first_response' | 'resolution') =>
      budgetMs(DEFAULT_SLA_POLICY, s, k, s === 'P0' ? ALWAYS_OPEN : CN_BUSINESS);
    expect([b('P0', 'first_response'), b('P0', 'resolution')]).toEqual([15 * MIN, 4 * H]);
    expect([b('P1', 'first_response'), b('P1', 'resolution')]).toEqual([1 * H, 8 * H]);
    expect([b('P2', 'first_response'), b('P2', 'resolution')]).toEqual([4 * H, 3 * 8 * H]);
    expect([b('P3', 'first_response'), b('P3', 'resolution')]).toEqual([8 * H, 5 * 8 * H]);
  });

  it('makes a business day follow the calendar the operator configures', () => {
    const nineToSix: BusinessCalendar = { ...CN_BUSINESS, workingHours: [{ start: '09:00', end: '18:00' }] };
    expect(budgetMs(DEFAULT_SLA_POLICY, 'P1', 'resolution', nineToSix)).toBe(9 * H);
    expect(budgetMs(DEFAULT_SLA_POLICY, 'P3', 'resolution', nineToSix)).toBe(45 * H);
  });

  it('adds minutes and days', () => {
    const policy: SlaPolicy = {
      ...DEFAULT_SLA_POLICY,
      P2: { ...DEFAULT_SLA_POLICY.P2, resolutionMinutes: 90, resolutionDays: 1 },
    };
    expect(budgetMs(policy, 'P2', 'resolution', CN_BUSINESS)).toBe(8 * H + 90 * MIN);
  });

  it('refuses a calendar the severity does not count on', () => {
    expect(() => budgetMs(DEFAULT_SLA_POLICY, 'P2', 'resolution', ALWAYS_OPEN)).toThrow(
      /P2 counts on calendar "cn-business"/,
    );
  });
});

describe('validatePolicy', () => {
  const cals = withBuiltinCalendars();
  const withP = (severity: 'P1' | 'P2', patch: object) =>
    ({ ...DEFAULT_SLA_POLICY, [severity]: { ...DEFAULT_SLA_POLICY[severity], ...patch } }) as SlaPolicy;

  it('names an unknown calendar and lists the defined ones', () => {
    expect(validatePolicy(withP('P2', { calendar: 'cn-bizness' }), cals)).toEqual([
      'SLA policy P2: calendar "cn-bizness" is not defined: use one of 24x7, cn-business, or define it under calendars',
    ]);
  });

  it('reports bad numbers, zero budgets and a first response longer than resolution', () => {
    expect(validatePolicy(withP('P1', { firstResponseMinutes: -5 }), cals)).toEqual([
      'SLA policy P1: firstResponseMinutes must be a number ≥ 0 (minutes), got -5',
    ]);
    expect(validatePolicy(withP('P1', { resolutionDays: '1' }), cals)).toEqual([
      'SLA policy P1: resolutionDays must be a number ≥ 0 (business days), got "1"',
    ]);
    expect(validatePolicy(withP('P1', { firstResponseMinutes: 0 }), cals)).toEqual([
      'SLA policy P1: the first-response budget is zero: set firstResponseMinutes or firstResponseDays above 0',
    ]);
    expect(validatePolicy(withP('P2', { firstResponseMinutes: 0, firstResponseDays: 4 }), cals)).toEqual([
      'SLA policy P2: the first-response budget (32 h) is longer than the resolution budget (24 h): a ticket cannot be resolved before it is answered; shorten the first or lengthen the second',
    ]);
  });

  it('reports missing and unknown severities', () => {
    const { P3: _dropped, ...rest } = DEFAULT_SLA_POLICY;
    const policy = { ...rest, P4: DEFAULT_SLA_POLICY.P3 } as unknown as SlaPolicy;
    expect(validatePolicy(policy, cals)).toEqual([
      'SLA policy: unknown severity "P4": use P0, P1, P2 or P3',
      'SLA policy P3: is missing: add { firstResponseMinutes, resolutionMinutes, calendar }',
    ]);
  });

  it('accepts a configured calendar that replaces or adds to the built-ins', () => {
    const acme: BusinessCalendar = {
      id: 'acme-sg',
      timeZone: 'Asia/Singapore',
      workingHours: [{ start: '08:30', end: '17:30' }],
    };
    const set = withBuiltinCalendars([acme]);
    expect(Object.keys(set)).toEqual(['24x7', 'cn-business', 'acme-sg']);
    expect(validatePolicy(withP('P2', { calendar: 'acme-sg' }), set)).toEqual([]);
    const replaced = withBuiltinCalendars([
      { ...CN_BUSINESS, workingHours: [{ start: '09:00', end: '18:00' }] },
    ]);
    expect(budgetMs(DEFAULT_SLA_POLICY, 'P1', 'resolution', replaced['cn-business'])).toBe(9 * H);
  });

  it('assertValidPolicy throws SLA_INVALID carrying the problems', () => {
    try {
      assertValidPolicy(withP('P2', { calendar: 'nope' }), cals);
      expect.unreachable();
    } catch (err) {
      expect(isHelplineError(err, 'SLA_INVALID')).toBe(true);
      expect((err as { details: string[] }).details).toHaveLength(1);
    }
  });
});
