// Permutation importance (Breiman 2001; Fisher et al. 2019) of a table's input columns on held-out
// rows: how much the metric drops when one column's values are shuffled across the rows, breaking
// its link to the label while keeping its distribution. A one-hot column moves as one.
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../data/random';

export interface ImportanceInput {
  /** Rows × width model inputs, and their labels (class ids, or standardized values). */
  x: Float32Array;
  y: Int32Array | Float32Array;
  width: number;
  /** Model inputs per column, in order (1, or a one-hot's categories). */
  groups: number[];
  task: 'classification' | 'regression';
}

/** Accuracy (classification) or mean squared error (regression) of the model on x. */
export async function metricOf(
  model: tf.LayersModel,
  x: Float32Array,
  y: Int32Array | Float32Array,
  width: number,
  task: ImportanceInput['task'],
  inputShape: number[],
  chunk = 512,
): Promise<number> {
  const rows = y.length;
  let total = 0;
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    const out = tf.tidy(() => {
      const xs = tf.tensor(x.subarray(start * width, (start + n) * width), [n, ...inputShape]);
      const pred = model.predict(xs) as tf.Tensor2D;
      return task === 'classification' ? pred.argMax(-1) : pred.reshape([-1]);
    });
    const values = await out.data();
    out.dispose();
    for (let i = 0; i < n; i++) {
      const want = y[start + i]!;
      total += task === 'classification' ? (values[i] === want ? 1 : 0) : (values[i]! - want) ** 2;
    }
  }
  return rows ? total / rows : NaN;
}

/** x with the inputs [from, from + span) of each row moved to the row `order` names. */
export function shuffleColumns(
  x: Float32Array,
  width: number,
  from: number,
  span: number,
  order: Int32Array,
): Float32Array {
  const out = x.slice();
  for (let i = 0; i < order.length; i++) {
    const src = order[i]! * width + from;
    out.set(x.subarray(src, src + span), i * width + from);
  }
  return out;
}

/** A seeded shuffle of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, rand: () => number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * For each column: the drop of the metric (accuracy lost, or MSE gained) over `repeats` shuffles,
 * mean and standard deviation. `onColumn` hears after each column (progress).
 */
export async function permutationImportance(
  model: tf.LayersModel,
  input: ImportanceInput,
  inputShape: number[],
  repeats = 5,
  seed = 1,
  onColumn?: (done: number, total: number) => void | Promise<void>,
): Promise<{ baseline: number; mean: number[]; std: number[] }> {
  const { x, y, width, groups, task } = input;
  const rows = y.length;
  const baseline = await metricOf(model, x, y, width, task, inputShape);
  const rand = mulberry32(seed);
  const mean: number[] = [];
  const std: number[] = [];
  let from = 0;
  for (const [c, span] of groups.entries()) {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const shuffled = shuffleColumns(x, width, from, span, permutation(rows, rand));
      const m = await metricOf(model, shuffled, y, width, task, inputShape);
      drops.push(task === 'classification' ? baseline - m : m - baseline);
    }
    const mu = drops.reduce((a, b) => a + b, 0) / repeats;
    mean.push(mu);
    std.push(Math.sqrt(drops.reduce((a, b) => a + (b - mu) ** 2, 0) / Math.max(1, repeats - 1)));
    from += span;
    await onColumn?.(c + 1, groups.length);
  }
  return { baseline, mean, std };
}
