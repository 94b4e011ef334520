import { LTTB } from 'downsample';

export interface Point {
  x: number;
  y: number;
}

/** The chart never draws more than this many points per line, however long the run. */
export const MAX_DRAWN_POINTS = 300;

/**
 * TensorBoard-style exponential moving average, debiased so the first values are not pulled
 * towards zero. `weight` 0 means no smoothing.
 */
export function smooth(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  let last = 0;
  let debias = 0;
  for (let i = 0; i < values.length; i++) {
    last = last * weight + (1 - weight) * values[i]!;
    debias = debias * weight + (1 - weight);
    out[i] = last / debias;
  }
  return out;
}

/** Downsamples an (x, y) series to at most `maxPoints` with LTTB, keeping its shape and ends. */
export function downsample(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints = MAX_DRAWN_POINTS): Point[] {
  const points: Point[] = new Array<Point>(xs.length);
  for (let i = 0; i < xs.length; i++) points[i] = { x: xs[i]!, y: ys[i]! };
  if (points.length <= maxPoints) return points;
  return LTTB(points, maxPoints) as Point[];
}

/** Batch loss and its smoothed line, both bounded in size. */
export function lossSeries(
  steps: ArrayLike<number>,
  losses: ArrayLike<number>,
  smoothing: number,
  maxPoints = MAX_DRAWN_POINTS,
) {
  return {
    raw: downsample(steps, losses, maxPoints),
    smoothed: downsample(steps, smooth(losses, smoothing), maxPoints),
  };
}
