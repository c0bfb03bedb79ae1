import { describe, expect, it } from 'vitest';
import {
  argmax,
  indexDocs,
  trainLogisticRegression,
  trainLogisticRegressionHeads,
  trainNaiveBayes,
} from '../../src/triage/model.ts';
import { prng } from '../../src/util/prng.ts';

const docs = [
  ['w:vpn', 'w:down'],
  ['w:vpn', 'w:slow'],
  ['w:laptop', 'w:broken'],
  ['w:payslip', 'w:wrong'],
  ['w:salary', 'w:wrong'],
  ['w:payslip', 'w:missing'],
];
const labels = ['device', 'device', 'device', 'payroll', 'payroll', 'payroll'];
const classes = ['device', 'payroll'];

describe('classifiers', () => {
  it('logistic regression separates a toy problem', () => {
    const m = trainLogisticRegression(docs, labels, classes);
    expect(classes[argmax(m.predict(['w:vpn']))]).toBe('device');
    expect(classes[argmax(m.predict(['w:payslip', 'w:wrong']))]).toBe('payroll');
    const p = m.predict(['w:salary']);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('naive Bayes separates it too', () => {
    const m = trainNaiveBayes(docs, labels, classes);
    expect(classes[argmax(m.predict(['w:laptop']))]).toBe('device');
    expect(classes[argmax(m.predict(['w:salary']))]).toBe('payroll');
  });

  it('is deterministic: same data, same probabilities', () => {
    const a = trainLogisticRegression(docs, labels, classes).predict(['w:vpn', 'w:wrong']);
    const b = trainLogisticRegression(docs, labels, classes).predict(['w:vpn', 'w:wrong']);
    expect(a).toEqual(b);
    expect(prng(1)()).toBe(prng(1)());
  });

  it('averages the weights of several seeded fits when asked for several runs', () => {
    const options = { epochs: 3, fitted: 1 };
    const one = trainLogisticRegression(docs, labels, classes, { ...options, seed: 5 }).data;
    const two = trainLogisticRegression(docs, labels, classes, { ...options, seed: 6 }).data;
    const both = trainLogisticRegression(docs, labels, classes, { ...options, seed: 5, runs: 2 }).data;
    expect(one.weights).not.toEqual(two.weights); // the seeds do give different fits
    both.weights.forEach((w, i) => {
      expect(w).toBeCloseTo((one.weights[i] + two.weights[i]) / 2, 5);
    });
    both.bias.forEach((b, i) => {
      expect(b).toBeCloseTo((one.bias[i] + two.bias[i]) / 2, 5);
    });
  });

  it('trains several heads in one pass, each matching its own labels', () => {
    const urgency = ['high', 'low', 'low', 'high', 'low', 'low'];
    const [cat, urg] = trainLogisticRegressionHeads(docs, [
      { targets: labels, labels: classes },
      { targets: urgency, labels: ['high', 'low'] },
    ]);
    expect(cat.labels).toEqual(classes);
    expect(urg.predict(['w:down']).length).toBe(2);
    expect(['high', 'low'][argmax(urg.predict(['w:down']))]).toBe('high');
  });

  it('ignores unknown features and rejects unknown labels', () => {
    const m = trainLogisticRegression(docs, labels, classes);
    expect(m.predict(['w:never-seen']).length).toBe(2);
    expect(() => trainLogisticRegression(docs, [...labels.slice(0, 5), 'nope'], classes)).toThrow(
      /unknown label/,
    );
  });

  it('indexDocs drops features rarer than minCount', () => {
    const { vocab, ids } = indexDocs(docs, 2);
    expect([...vocab.keys()].sort()).toEqual(['w:payslip', 'w:vpn', 'w:wrong']);
    expect(ids[2].length).toBe(0);
  });
});
