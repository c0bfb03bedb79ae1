import { describe, expect, it } from 'vitest';
import { FALLBACK_MIN_EVIDENCE } from '../../src/knowledge/calibrate.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { passage, SAMPLE } from '../support/passages.ts';

describe('answerability calibrated from the KB', () => {
  it('learns one threshold per language from the KB’s own pseudo-questions, the same every time', () => {
    const a = new KnowledgeBase(SAMPLE, { synonyms: DEFAULT_SYNONYMS }).answerability();
    const b = new KnowledgeBase(SAMPLE, { synonyms: DEFAULT_SYNONYMS }).answerability();
    expect(a.source).toBe('calibrated');
    expect(a.samples.zh).toBeGreaterThan(0);
    expect(a.samples.en).toBeGreaterThan(0);
    expect(a.minEvidence.zh).toBeGreaterThan(0);
    expect(a.minEvidence.en).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it('a configured minEvidence wins over calibration, for both languages', () => {
    const kb = new KnowledgeBase(SAMPLE, { answerability: { minEvidence: 13 } });
    expect(kb.answerability()).toMatchObject({ source: 'configured', minEvidence: { zh: 13, en: 13 } });
  });

  it('a language with no passages borrows the other’s threshold', () => {
    const english = SAMPLE.filter((p) => p.lang === 'en');
    const c = new KnowledgeBase(english).answerability();
    expect(c.samples.zh).toBe(0);
    expect(c.minEvidence.zh).toBe(c.minEvidence.en);
    expect(new KnowledgeBase([]).answerability().minEvidence).toEqual({
      zh: FALLBACK_MIN_EVIDENCE,
      en: FALLBACK_MIN_EVIDENCE,
    });
  });

  it('a KB written in jargon asks for more evidence than one written in common words', () => {
    const jargon = Array.from({ length: 20 }, (_, i) =>
      passage({
        source: `j${i}.md`,
        text: `Kubernetes ingress ${i} terminates TLS; Terraform provisions Istio sidecars and Prometheus scrapes Grafana dashboards.`,
      }),
    );
    const plain = Array.from({ length: 20 }, (_, i) =>
      passage({
        source: `p${i}.md`,
        text: `You can take a day off ${i} when you feel sick; tell your manager and your team before the morning starts.`,
      }),
    );
    expect(new KnowledgeBase(jargon).answerability().minEvidence.en).toBeGreaterThan(
      new KnowledgeBase(plain).answerability().minEvidence.en,
    );
  });
});
