import { describe, expect, it } from 'vitest';
import { classificationMetrics } from './metrics';

describe('classification metrics', () => {
  it('matches a hand-computed case', () => {
    // actual:    0 0 1 1 2 2
    // predicted: 0 1 1 1 2 0
    const m = classificationMetrics([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0], 3);
    expect(m.accuracy).toBeCloseTo(4 / 6);
    expect(m.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    // class 0: p=1/2 r=1/2 f1=.5; class 1: p=2/3 r=1 f1=.8; class 2: p=1 r=1/2 f1=2/3
    expect(m.macroF1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3);
  });

  it('gives precision 0, not NaN, for a class never predicted', () => {
    const m = classificationMetrics([0, 1, 1], [0, 0, 0], 2);
    expect(m.perClass[1]!.precision).toBe(0);
    expect(m.perClass[1]!.f1).toBe(0);
    expect(Number.isNaN(m.macroF1)).toBe(false);
  });

  it('handles a single-class split', () => {
    const m = classificationMetrics([2, 2, 2], [2, 2, 2], 3);
    expect(m.accuracy).toBe(1);
    expect(m.macroF1).toBe(1);
  });
});
