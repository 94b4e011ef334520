import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from './split';

describe('stratifiedSplit', () => {
  it('splits each class in proportion, with every row in exactly one part', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => (i < 900 ? 0 : 1));
    const s = stratifiedSplit(labels, 2, { val: 0.1, test: 0.2 }, 3);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([700, 100, 200]);
    expect(Array.from(s.test).filter((r) => labels[r] === 1)).toHaveLength(20);
    expect(new Set([...s.train, ...s.val, ...s.test]).size).toBe(1000);
  });

  it('handles a million rows (no spreading of huge arrays)', () => {
    const labels = new Int32Array(1_000_000);
    const s = stratifiedSplit(labels, 1, { val: 0.15, test: 0.15 }, 1);
    expect(s.train.length + s.val.length + s.test.length).toBe(1_000_000);
  });
});
