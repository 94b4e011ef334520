import { describe, expect, it } from 'vitest';
import { MAX_DRAWN_POINTS, downsample, lossSeries, smooth } from './series';

describe('chart series', () => {
  it('draws a bounded number of points for a million-step run, keeping both ends', () => {
    const n = 1_000_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i + 1);
    const ys = Float64Array.from(xs, (x) => 2 / Math.sqrt(x));
    const pts = downsample(xs, ys);
    expect(pts.length).toBe(MAX_DRAWN_POINTS);
    expect(pts[0]).toEqual({ x: 1, y: 2 });
    expect(pts.at(-1)!.x).toBe(n);
  });

  it('keeps a spike that plain striding would drop', () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    const ys = xs.map((x) => (x === 5003 ? 50 : 1));
    expect(downsample(xs, ys, 100).some((p) => p.y === 50)).toBe(true);
  });

  it('passes short series through untouched', () => {
    expect(downsample([1, 2, 3], [3, 2, 1])).toEqual([
      { x: 1, y: 3 },
      { x: 2, y: 2 },
      { x: 3, y: 1 },
    ]);
  });

  it('smooths with a debiased moving average', () => {
    expect(Array.from(smooth([5, 5, 5], 0.9))).toEqual([5, 5, 5].map((v) => expect.closeTo(v, 10)));
    const s = smooth([1, 0, 0, 0], 0.5);
    expect(s[0]).toBeCloseTo(1);
    expect(s[3]!).toBeGreaterThan(0);
    expect(s[3]!).toBeLessThan(s[1]!);
    expect(lossSeries([1, 2], [1, 2], 0).smoothed).toEqual([
      { x: 1, y: 1 },
      { x: 2, y: 2 },
    ]);
  });
});
