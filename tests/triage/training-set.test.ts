import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/triage/features.ts';
import { loadTrainingSet, parseTrainingSet } from '../../src/triage/training-data.ts';
import { CATEGORIES, INTENTS, SEVERITIES } from '../../src/triage/types.ts';
import { DEV_SET } from './dev-set.ts';

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

  // The dev set measures the method; the training set must not copy it (or come close).
  it.skipIf(!existsSync(DEV_SET))('shares no message, nor a near paraphrase, with the dev set', () => {
    const grams = (t: string) => {
      const n = normalizeText(t);
      const out = new Set<string>();
      for (const run of n.match(/\p{Script=Han}+/gu) ?? [])
        for (let i = 0; i + 1 < run.length; i++) out.add(run.slice(i, i + 2));
      const words = n.match(/[a-z0-9]+/g) ?? [];
      words.forEach((w, i) => {
        out.add(w);
        if (i > 0) out.add(`${words[i - 1]} ${w}`);
      });
      return out;
    };
    const train = set.map((e) => ({ text: e.text, g: grams(e.text) }));
    const dev = readFileSync(DEV_SET, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { text: string }).text);
    for (const d of dev) {
      const gd = grams(d);
      for (const t of train) {
        let inter = 0;
        for (const g of gd) if (t.g.has(g)) inter++;
        const jaccard = inter / (gd.size + t.g.size - inter || 1);
        expect(jaccard, `"${t.text}" is too close to dev item "${d}"`).toBeLessThan(0.6);
      }
    }
  });
});
