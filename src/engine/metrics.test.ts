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

describe('per-class and weighted metrics', () => {
  it('matches hand-computed precision, recall, F1, support and weighted F1', () => {
    // actual:    0 0 0 1 1 2   predicted: 0 0 1 1 2 2
    const m = classificationMetrics([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3);
    // class 0: p=2/2 r=2/3 f1=0.8; class 1: p=1/2 r=1/2 f1=0.5; class 2: p=1/2 r=1 f1=2/3
    expect(m.perClass.map((c) => c.support)).toEqual([3, 2, 1]);
    expect(m.perClass[0]!.precision).toBeCloseTo(1);
    expect(m.perClass[0]!.recall).toBeCloseTo(2 / 3);
    expect(m.perClass[0]!.f1).toBeCloseTo(0.8);
    expect(m.perClass[1]!.f1).toBeCloseTo(0.5);
    expect(m.perClass[2]!.precision).toBeCloseTo(0.5);
    expect(m.perClass[2]!.f1).toBeCloseTo(2 / 3);
    expect(m.weightedF1).toBeCloseTo((3 * 0.8 + 2 * 0.5 + 1 * (2 / 3)) / 6);
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3);
  });

  it('has no NaN when a class is absent from predictions and the test split holds one class', () => {
    const m = classificationMetrics([1, 1, 1, 1], [1, 0, 1, 1], 3);
    expect(m.perClass[0]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.perClass[1]!.recall).toBeCloseTo(0.75);
    expect(m.weightedF1).toBeCloseTo(m.perClass[1]!.f1);
    for (const v of [m.accuracy, m.macroF1, m.weightedF1, ...m.perClass.flatMap((c) => [c.precision, c.recall, c.f1])])
      expect(Number.isNaN(v)).toBe(false);
  });
});
