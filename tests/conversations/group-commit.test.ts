import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/conversations/group-commit.ts';

describe('GroupCommit', () => {
  it('sends a lone write at once and gathers the writes that arrive while one is in flight', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 20));
      return items.map((i) => i * 10);
    }, 4);
    const first = commit.add(1);
    const rest = [2, 3, 4, 5, 6, 7].map((i) => commit.add(i));
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50, 60, 70]);
    // 1 alone; then up to 4 of those that waited; then the rest.
    expect(batches).toEqual([[1], [2, 3, 4, 5], [6, 7]]);
  });

  it('a failed batch rejects each of its writes and the next batch still goes', async () => {
    let calls = 0;
    const commit = new GroupCommit<string, string>(async (items) => {
      calls++;
      if (calls === 1) throw new Error('disk full');
      return items;
    });
    const a = commit.add('a');
    const b = commit.add('b');
    await expect(a).rejects.toThrow('disk full');
    expect(await b).toBe('b');
  });

  it('a batch that fails is written again one by one: only the bad write fails', async () => {
    const batches: string[][] = [];
    const commit = new GroupCommit<string, string>(async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 5));
      if (items.includes('bad')) throw new Error('invalid byte sequence');
      return items.map((i) => i.toUpperCase());
    });
    const first = commit.add('first');
    const [x, bad, y] = [commit.add('x'), commit.add('bad'), commit.add('y')];
    expect(await first).toBe('FIRST');
    await expect(bad).rejects.toThrow('invalid byte sequence');
    expect([await x, await y]).toEqual(['X', 'Y']);
    expect(batches).toEqual([['first'], ['x', 'bad', 'y'], ['x'], ['bad'], ['y']]);
  });
});
