import { describe, expect, it } from 'vitest';
import { extent, linearAxis } from './axis';

describe('linear axes', () => {
  it('round a value axis out to round numbers, with ticks inside', () => {
    expect(linearAxis(0, 2.31)).toEqual({ domain: [0, 2.5], ticks: [0, 0.5, 1, 1.5, 2, 2.5] });
    expect(linearAxis(0, 0.00093)).toEqual({ domain: [0, 0.001], ticks: [0, 0.0002, 0.0004, 0.0006, 0.0008, 0.001] });
  });

  it('keep a step axis exactly to its data', () => {
    const a = linearAxis(1, 32, false);
    expect(a.domain).toEqual([1, 32]);
    expect(a.ticks).toEqual([5, 10, 15, 20, 25, 30]);
  });

  it('survive one value, reversed ends and no data', () => {
    expect(linearAxis(3, 3, false).domain).toEqual([3, 4]);
    expect(linearAxis(0.5, 0.5).domain[1]).toBeGreaterThan(0.5);
    expect(linearAxis(5, 1).domain).toEqual([1, 5]);
    expect(linearAxis(Infinity, -Infinity).domain).toEqual([0, 1]);
  });

  it('find the extent of several series, skipping non-finite values', () => {
    const s = [
      [
        { x: 1, y: 2 },
        { x: 2, y: NaN },
      ],
      [{ x: 5, y: -1 }],
    ];
    expect(extent(s, 'x')).toEqual([1, 5]);
    expect(extent(s, 'y')).toEqual([-1, 2]);
    expect(extent([], 'y')).toEqual([Infinity, -Infinity]);
  });
});
