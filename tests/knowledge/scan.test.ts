import { describe, expect, it } from 'vitest';
import { nearest } from '../../src/knowledge/meaning/scan.ts';

const unit = (...xs: number[]) => {
  const n = Math.hypot(...xs);
  return xs.map((x) => x / n);
};

describe('nearest', () => {
  it('scores each owner by its best row and returns the n best owners, best first', () => {
    const rows = [unit(1, 0, 0, 0), unit(0, 1, 0, 0), unit(1, 1, 0, 0), unit(0, 0, 1, 0), unit(0, 0, 0, 1)];
    const table = {
      vectors: Float32Array.from(rows.flat()),
      owner: Int32Array.from([0, 0, 1, 2, 3]),
      dim: 4,
    };
    const q = Float32Array.from(unit(1, 0.2, 0, 0));
    const hits = nearest(q, table, 3);
    expect(hits.map((h) => h.owner)).toEqual([0, 1, 2]);
    expect(hits[0].score).toBeCloseTo(unit(1, 0.2, 0, 0)[0]);
    expect(nearest(q, table, 10)).toHaveLength(4);
    expect(nearest(q, { ...table, owner: new Int32Array(0), vectors: new Float32Array(0) }, 3)).toEqual([]);
  });

  it('breaks ties by owner', () => {
    const table = {
      vectors: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0]),
      owner: Int32Array.from([5, 2]),
      dim: 4,
    };
    expect(nearest(Float32Array.from([1, 0, 0, 0]), table, 2).map((h) => h.owner)).toEqual([2, 5]);
  });
});
