import { describe, expect, it } from 'vitest';
import { DutyCycle } from '../../src/knowledge/meaning/duty-cycle.ts';

describe('DutyCycle', () => {
  it('is the share of the last window covered by busy spans, the current one included', () => {
    const d = new DutyCycle(1000);
    expect(d.share(0)).toBe(0);
    d.begin(0);
    d.end(100);
    d.begin(500);
    d.end(700);
    expect(d.share(1000)).toBeCloseTo(0.3);
    d.begin(900);
    expect(d.share(1000)).toBeCloseTo(0.4); // 100 + 200 + 100 still running
    expect(d.share(1100)).toBeCloseTo(0.4); // the first span has left the window, the running one grew
  });

  it('forgets spans older than the window and ignores an end without a begin', () => {
    const d = new DutyCycle(1000);
    d.end(5);
    d.begin(0);
    d.end(400);
    expect(d.share(400)).toBeCloseTo(0.4);
    expect(d.share(1200)).toBeCloseTo(0.2);
    expect(d.share(5000)).toBe(0);
  });

  it('counts overlapping begins once and never exceeds 1', () => {
    const d = new DutyCycle(1000);
    d.begin(0);
    d.begin(200);
    expect(d.share(3000)).toBe(1);
    d.end(3000);
    expect(d.share(3000)).toBe(1);
    expect(d.share(3500)).toBeCloseTo(0.5);
  });
});
