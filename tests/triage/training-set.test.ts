import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/triage/features.ts';
import { loadTrainingSet, parseTrainingSet } from '../../src/triage/training-data.ts';
import { CATEGORIES, INTENTS, SEVERITIES } from '../../src/triage/types.ts';

// The original set: one writer, balanced by construction. The voice sets are checked in voices.test.ts.
const set = loadTrainingSet();
const count = (key: 'intent' | 'severity' | 'category' | 'lang', value: string) =>
  set.filter((e) => e[key] === value).length;

describe('training set', () => {
  it('has at least 400 examples, every label valid', () => {
    expect(set.length).toBeGreaterThanOrEqual(400);
    for (const e of set) {
      expect(INTENTS).toContain(e.intent);
      expect(SEVERITIES).toContain(e.severity);
      expect(CATEGORIES).toContain(e.category);
      expect(e.text.trim().length).toBeGreaterThan(0);
    }
  });

  it('is roughly half Chinese, half English, and lang matches the text', () => {
    const zh = count('lang', 'zh') / set.length;
    expect(zh).toBeGreaterThan(0.4);
    expect(zh).toBeLessThan(0.6);
    for (const e of set) expect(/\p{Script=Han}/u.test(e.text)).toBe(e.lang === 'zh');
  });

  it('covers every intent, severity and category', () => {
    for (const c of CATEGORIES) expect(count('category', c), c).toBeGreaterThanOrEqual(30);
    for (const i of INTENTS) expect(count('intent', i), i).toBeGreaterThanOrEqual(30);
    for (const s of SEVERITIES) expect(count('severity', s), s).toBeGreaterThanOrEqual(40);
  });

  it('follows the rubric: questions and small talk are P3, incidents are at least P2', () => {
    for (const e of set) {
      if (e.intent === 'question' || e.intent === 'smalltalk') expect(e.severity, e.text).toBe('P3');
      if (e.intent === 'incident') expect(['P0', 'P1', 'P2'], e.text).toContain(e.severity);
      if (e.intent === 'smalltalk') expect(e.category, e.text).toBe('other');
    }
  });

  it('has no duplicate messages', () => {
    const seen = new Set<string>();
    for (const e of set) {
      const key = normalizeText(e.text);
      expect(seen.has(key), e.text).toBe(false);
      seen.add(key);
    }
  });

  it('rejects a bad line with a message naming the line and the fix', () => {
    expect(() =>
      parseTrainingSet(
        '{"text":"x","lang":"en","role":"employee","intent":"rant","severity":"P3","category":"other"}',
      ),
    ).toThrow(/line 1: "intent" must be one of/);
    expect(() => parseTrainingSet('not json')).toThrow(/line 1 is not valid JSON/);
  });
});
