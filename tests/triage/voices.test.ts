import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/triage/features.ts';
import { loadTrainingData, voiceFiles } from '../../src/triage/training-data.ts';
import { CATEGORIES, INTENTS, SEVERITIES } from '../../src/triage/types.ts';

// The voice sets: messages by writers who saw only DESIGN §3–4, one file per voice.
const { original, voices } = loadTrainingData();

describe('voice sets', () => {
  it('are several voices, each named by its file and carried on every example', () => {
    const names = voiceFiles().map((f) => f.voice);
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const v of names) expect(voices.filter((e) => e.voice === v).length, v).toBeGreaterThanOrEqual(50);
    expect(original.every((e) => e.voice === 'original')).toBe(true);
  });

  it('have valid labels, ids and every severity in each voice', () => {
    for (const e of voices) {
      expect(INTENTS).toContain(e.intent);
      expect(SEVERITIES).toContain(e.severity);
      expect(CATEGORIES).toContain(e.category);
      expect(e.id, e.text).toMatch(/\S/);
    }
    for (const { voice } of voiceFiles())
      for (const s of SEVERITIES)
        expect(
          voices.some((e) => e.voice === voice && e.severity === s),
          `${voice} has ${s}`,
        ).toBe(true);
  });

  it('follow the rubric: questions and small talk are P3, incidents at least P2', () => {
    for (const e of voices) {
      if (e.intent === 'question' || e.intent === 'smalltalk') expect(e.severity, e.text).toBe('P3');
      if (e.intent === 'incident') expect(['P0', 'P1', 'P2'], e.text).toContain(e.severity);
    }
  });

  it('repeat no message of their own or of the original set', () => {
    const seen = new Set(original.map((e) => normalizeText(e.text)));
    for (const e of voices) {
      const key = normalizeText(e.text);
      expect(seen.has(key), e.text).toBe(false);
      seen.add(key);
    }
  });
});
