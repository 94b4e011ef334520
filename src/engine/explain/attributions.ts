// Attribution methods on one input. Each takes a score function (one number per row of a batch:
// the explained class's probability, or the regression output) and returns tensors shaped like the
// input; the caller owns them.
import * as tf from '@tensorflow/tfjs';

/** One score per row of a batch of inputs. */
export type ScoreFn = (x: tf.Tensor) => tf.Tensor1D;

/** The explained class's probability (softmax output), or the regression output (classIndex < 0). */
export function targetScore(model: tf.LayersModel, classIndex: number): ScoreFn {
  return (x) => {
    const out = model.predict(x) as tf.Tensor2D;
    const column = classIndex < 0 ? 0 : classIndex;
    return out.slice([0, column], [-1, 1]).reshape([-1]) as tf.Tensor1D;
  };
}

/** x repeated along a new first axis `n` times ([1, ...] -> [n, ...]). */
function repeatRow(x: tf.Tensor, n: number): tf.Tensor {
  return tf.tile(x, [n, ...x.shape.slice(1).map(() => 1)]);
}

/** A column of n values shaped to scale rows of a rank-r batch. */
function perRow(values: tf.Tensor1D, rank: number): tf.Tensor {
  return values.reshape([-1, ...Array.from({ length: rank - 1 }, () => 1)]);
}

/**
 * Integrated gradients (Sundararajan et al. 2017): (x - baseline) times the mean gradient along the
 * straight path from the baseline to x, by the midpoint rule over `steps` points. The weights add up
 * to score(x) - score(baseline) as steps grow (completeness).
 */
export function integratedGradients(score: ScoreFn, x: tf.Tensor, baseline: tf.Tensor, steps = 32): tf.Tensor {
  return tf.tidy(() => {
    const alphas = tf.linspace(0.5 / steps, 1 - 0.5 / steps, steps) as tf.Tensor1D;
    const diff = x.sub(baseline);
    const path = repeatRow(baseline, steps).add(repeatRow(diff, steps).mul(perRow(alphas, x.rank)));
    const grads = tf.grad((p: tf.Tensor) => score(p).sum())(path);
    return grads.mean(0, true).mul(diff);
  });
}

/**
 * SmoothGrad (Smilkov et al. 2017): the gradient averaged over `samples` copies of x with Gaussian
 * noise of `sigma` (seeded: the same input gives the same map).
 */
export function smoothGrad(score: ScoreFn, x: tf.Tensor, sigma: number, samples = 32, seed = 1): tf.Tensor {
  return tf.tidy(() => {
    const noisy = repeatRow(x, samples).add(tf.randomNormal([samples, ...x.shape.slice(1)], 0, sigma, 'float32', seed));
    const grads = tf.grad((p: tf.Tensor) => score(p).sum())(noisy);
    return grads.mean(0, true);
  });
}

/**
 * Occlusion of tokens: for each position, the score with that token replaced by `maskId`, taken from
 * the score of the whole text. Rows go through the model `chunk` at a time.
 */
export async function occludeTokens(
  score: ScoreFn,
  ids: Float32Array,
  positions: number[],
  maskId: number,
  chunk = 64,
): Promise<{ full: number; weights: Float32Array }> {
  const length = ids.length;
  const rows = [ids, ...positions.map((p) => ids.map((v, i) => (i === p ? maskId : v)))];
  const scores = new Float32Array(rows.length);
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk);
    const flat = new Float32Array(part.length * length);
    part.forEach((r, i) => flat.set(r, i * length));
    const out = tf.tidy(() => score(tf.tensor2d(flat, [part.length, length])));
    scores.set((await out.data()) as Float32Array, start);
    out.dispose();
  }
  const full = scores[0]!;
  return { full, weights: scores.subarray(1).map((s) => full - s) };
}

/**
 * One weight per pixel from attributions shaped [1, h, w, c]: magnitudes summed over channels,
 * divided by the largest (all zero stays zero).
 */
export async function pixelHeat(attributions: tf.Tensor): Promise<Float32Array> {
  const summed = tf.tidy(() => attributions.abs().sum(-1).reshape([-1]));
  const heat = (await summed.data()) as Float32Array;
  summed.dispose();
  let max = 0;
  for (const v of heat) if (v > max) max = v;
  if (max > 0) for (let i = 0; i < heat.length; i++) heat[i]! /= max;
  return heat;
}

/** Sums of consecutive slices of `values`, one per group width (one-hot columns into their column). */
export function sumGroups(values: ArrayLike<number>, widths: number[]): number[] {
  let at = 0;
  return widths.map((w) => {
    let s = 0;
    for (let k = 0; k < w; k++) s += values[at + k]!;
    at += w;
    return s;
  });
}
