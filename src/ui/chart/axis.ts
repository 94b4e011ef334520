import { nice, ticks } from 'd3-array';

export interface LinearAxis {
  domain: [number, number];
  ticks: number[];
}

/**
 * A linear axis's domain and ticks in plain floats (d3-array), handed to recharts with its own
 * rounding off (niceTicks="none"): recharts rounds with decimal.js, a fifth of a live chart's
 * redraw. `rounded`: the domain widens to round numbers (a value axis); otherwise it is exactly
 * lo..hi (steps, epochs).
 */
export function linearAxis(lo: number, hi: number, rounded = true, count = 5): LinearAxis {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) hi = lo + (rounded ? Math.max(1e-12, Math.abs(lo)) : 1);
  const [a, b] = rounded ? nice(lo, hi, count) : [lo, hi];
  return { domain: [a, b], ticks: ticks(a, b, count) };
}

/** The smallest and largest finite y (or x) of some point series. */
export function extent(series: readonly (readonly { x: number; y: number }[])[], key: 'x' | 'y'): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const points of series)
    for (const p of points) {
      const v = p[key];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return [lo, hi];
}
