// Probes: how useful a frozen encoder's features are for the labels, measured after every
// pretraining epoch. A linear probe (softmax regression) and a k-nearest-neighbour vote are
// fitted on the encoder's outputs of the label-budgeted training rows and scored on the
// validation split; test rows are never touched. Kept cheap next to an epoch: at most
// PROBE_LIMITS rows, encoded once per probe in chunks; the linear probe's mini-batch steps in
// plain JavaScript on features read once; k-NN by chunked matrix products, one read per chunk.
import * as tf from '@tensorflow/tfjs';
import type { EpochLog, ProbeScores } from '../../shared/types/results';
import type { TrainConfig } from '../../shared/types/training';
import { inputBatch } from '../augment/batch';
import type { Dataset } from '../data/dataset';
import { gatherBatch } from '../data/dataset';
import { mulberry32, shuffleInPlace } from '../data/random';
import { nextMacrotask } from '../train/control';
import { budgetedRows } from '../train/loop';

export const PROBE_LIMITS = {
  /** Budgeted training rows beyond this are subsampled (seeded, the same every epoch). */
  trainRows: 2000,
  /** Validation rows beyond this are subsampled likewise. */
  valRows: 1000,
  /** Neighbours that vote in the k-NN probe. */
  k: 5,
  /** The linear probe: passes of mini-batch Adam over the rows, its batch size, rate and L2 penalty. */
  epochs: 10,
  batchSize: 128,
  /** Small sets get more passes: at least this many steps in all. */
  minSteps: 100,
  learningRate: 0.05,
  l2: 1e-4,
  /** Rows per encoder call and per k-NN similarity block. */
  chunk: 256,
} as const;

export type LabelBudgetSettings = Pick<TrainConfig, 'labelBudget' | 'labelFraction' | 'labelsPerClass'>;

/** A seeded subset of at most `max` of `rows` (sorted), or `rows` itself when it is small enough. */
function cap(rows: Int32Array, max: number, seed: number): Int32Array {
  if (rows.length <= max) return rows;
  return shuffleInPlace(Int32Array.from(rows), mulberry32(seed)).slice(0, max).sort();
}

/**
 * The rows a probe fits on (the training split under the label budget) and scores on (the
 * validation split), capped; null when the dataset has no class labels or either side is too
 * small to say anything (no validation rows, fewer than two classes to learn).
 */
export function probeRows(
  ds: Dataset,
  budget: Partial<LabelBudgetSettings>,
  seed: number,
): { train: Int32Array; val: Int32Array } | null {
  if (ds.task !== 'classification' || !(ds.y instanceof Int32Array) || ds.classNames.length < 2) return null;
  const full = { labelBudget: 'all' as const, labelFraction: 1, labelsPerClass: 0, ...budget };
  const train = cap(budgetedRows(ds, full, seed), PROBE_LIMITS.trainRows, seed * 13 + 5);
  const val = cap(ds.split.val, PROBE_LIMITS.valRows, seed * 13 + 6);
  const y = ds.y;
  if (!val.length || new Set(Array.from(train, (r) => y[r]!)).size < 2) return null;
  return { train, val };
}

/** The encoder's outputs of `rows`, flattened to [rows, features] (no augmentation, no dropout). */
export async function encodeRows(
  encoder: tf.LayersModel,
  ds: Dataset,
  shape: number[],
  rows: Int32Array,
): Promise<tf.Tensor2D> {
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < rows.length; start += PROBE_LIMITS.chunk) {
      const end = Math.min(rows.length, start + PROBE_LIMITS.chunk);
      const { x, size } = gatherBatch(ds, rows, start, end);
      parts.push(
        tf.tidy(() => {
          const input = inputBatch(ds, x, size, shape, undefined, 0);
          return (encoder.apply(input, { training: false }) as tf.Tensor).reshape([size, -1]) as tf.Tensor2D;
        }),
      );
    }
    return parts.length === 1 ? parts[0]!.clone() : tf.concat(parts);
  } finally {
    tf.dispose(parts);
  }
}

function accuracy(predicted: ArrayLike<number>, actual: Int32Array): number {
  let right = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) right++;
  return actual.length ? right / actual.length : NaN;
}

/**
 * Centres both sets on the training mean and divides them by one scale, the training features'
 * root mean square (not per feature: a unit that is dead on every training row would be blown up
 * by its zero spread the moment a validation row lights it). Adam adapts per weight anyway.
 */
function standardize(trainX: tf.Tensor2D, valX: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  return tf.tidy(() => {
    const mean = trainX.mean(0);
    const centred = trainX.sub(mean);
    const scale = centred.square().mean().sqrt().add(1e-6);
    return [centred.div(scale), valX.sub(mean).div(scale)];
  });
}

/**
 * Softmax regression on centred, scaled features (see softmaxRegression), scored on the
 * validation rows; returns the validation accuracy. The features are read once and the steps run
 * in plain JavaScript: such thin products ([rows x features] by [features x classes]) cost tfjs a
 * dispatch per op and step (about 35 ms a full-batch step of 2,000 x 128 x 10 on the cpu backend,
 * five times the JavaScript), and this way the cost is the same on every backend.
 */
export async function linearProbe(
  trainX: tf.Tensor2D,
  trainY: Int32Array,
  valX: tf.Tensor2D,
  valY: Int32Array,
  classes: number,
  epochs: number = PROBE_LIMITS.epochs,
): Promise<number> {
  const [xs, vs] = standardize(trainX, valX);
  let train: Float32Array;
  let val: Float32Array;
  try {
    [train, val] = (await Promise.all([xs.data(), vs.data()])) as [Float32Array, Float32Array];
  } finally {
    tf.dispose([xs, vs]);
  }
  const d = trainX.shape[1];
  const { w, b } = await softmaxRegression(train, trainY, d, classes, epochs);
  const predicted = new Int32Array(valY.length);
  const logits = new Float64Array(classes);
  for (let i = 0; i < valY.length; i++) {
    affine(val, i, d, w, b, logits);
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[c]! > logits[best]!) best = c;
    predicted[i] = best;
  }
  return accuracy(predicted, valY);
}

/** logits = b + x[row] W, with W [d x classes] row-major. */
function affine(x: Float32Array, row: number, d: number, w: Float64Array, b: Float64Array, out: Float64Array): void {
  const classes = b.length;
  out.set(b);
  const base = row * d;
  for (let j = 0; j < d; j++) {
    const v = x[base + j]!;
    if (v === 0) continue;
    const wj = j * classes;
    for (let c = 0; c < classes; c++) out[c]! += v * w[wj + c]!;
  }
}

/**
 * Weights and biases of a softmax regression (mean cross-entropy + L2) fitted by mini-batch Adam,
 * `epochs` passes over the rows in a seeded order (more for small sets, at least
 * PROBE_LIMITS.minSteps steps): a tenth of the work of 100 full-batch steps on 2,000 rows, for
 * the same accuracy on a convex problem like this one.
 */
export async function softmaxRegression(
  x: Float32Array,
  y: Int32Array,
  d: number,
  classes: number,
  epochs: number,
): Promise<{ w: Float64Array; b: Float64Array }> {
  const n = y.length;
  const size = d * classes + classes; // W then b, one parameter vector for Adam
  const theta = new Float64Array(size);
  const grad = new Float64Array(size);
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const w = theta.subarray(0, d * classes);
  const b = theta.subarray(d * classes);
  const gw = grad.subarray(0, d * classes);
  const gb = grad.subarray(d * classes);
  const p = new Float64Array(classes);
  const { learningRate: lr, l2, batchSize } = PROBE_LIMITS;
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(n * 31 + d);
  const passes = Math.max(epochs, Math.ceil(PROBE_LIMITS.minSteps / Math.ceil(n / batchSize)));
  let step = 0;
  for (let epoch = 0; epoch < passes; epoch++) {
    shuffleInPlace(order, rand);
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const size1 = end - start;
      grad.fill(0);
      for (let t = start; t < end; t++) {
        const i = order[t]!;
        affine(x, i, d, w, b, p);
        let max = -Infinity;
        for (let c = 0; c < classes; c++) max = Math.max(max, p[c]!);
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += p[c] = Math.exp(p[c]! - max);
        for (let c = 0; c < classes; c++) p[c] = p[c]! / sum / size1;
        p[y[i]!]! -= 1 / size1; // d(mean cross-entropy)/d(logits)
        for (let c = 0; c < classes; c++) gb[c]! += p[c]!;
        const base = i * d;
        for (let j = 0; j < d; j++) {
          const xv = x[base + j]!;
          const wj = j * classes;
          for (let c = 0; c < classes; c++) gw[wj + c]! += xv * p[c]!;
        }
      }
      for (let k = 0; k < w.length; k++) gw[k]! += 2 * l2 * w[k]!;
      step++;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      for (let k = 0; k < size; k++) {
        const g = grad[k]!;
        m[k] = beta1 * m[k]! + (1 - beta1) * g;
        v[k] = beta2 * v[k]! + (1 - beta2) * g * g;
        theta[k]! -= (lr * (m[k]! / c1)) / (Math.sqrt(v[k]! / c2) + eps);
      }
    }
    // Lets the worker's heartbeat and a pause through.
    await nextMacrotask();
  }
  return { w: Float64Array.from(w), b: Float64Array.from(b) };
}

/**
 * k-nearest neighbours by cosine similarity of features centred on the training mean: each validation row takes
 * the majority class of its `k` most similar training rows (a tie goes to the class met first
 * going out from the nearest). Similarities in blocks of PROBE_LIMITS.chunk validation rows.
 */
export async function knnProbe(
  trainX: tf.Tensor2D,
  trainY: Int32Array,
  valX: tf.Tensor2D,
  valY: Int32Array,
  classes: number,
  k: number = PROBE_LIMITS.k,
): Promise<number> {
  const kk = Math.max(1, Math.min(k, trainY.length));
  const [xs, vs] = standardize(trainX, valX);
  const [tn, vn] = tf.tidy(() => [l2Normalize(xs), l2Normalize(vs)]);
  tf.dispose([xs, vs]);
  const predicted = new Int32Array(valY.length);
  const votes = new Array<number>(classes);
  try {
    for (let start = 0; start < valY.length; start += PROBE_LIMITS.chunk) {
      const size = Math.min(valY.length, start + PROBE_LIMITS.chunk) - start;
      const top = tf.tidy(() => tf.topk(vn.slice([start, 0], [size, -1]).matMul(tn, false, true), kk).indices);
      const idx = await top.data();
      top.dispose();
      for (let i = 0; i < size; i++) {
        votes.fill(0);
        let best = -1;
        for (let j = 0; j < kk; j++) {
          const c = trainY[idx[i * kk + j]!]!;
          votes[c]!++;
          // Strictly more votes to overtake: ties stay with the class reached from nearer.
          if (best < 0 || votes[c]! > votes[best]!) best = c;
        }
        predicted[start + i] = best;
      }
    }
    return accuracy(predicted, valY);
  } finally {
    tf.dispose([tn, vn]);
  }
}

function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return x.div(x.square().sum(1, true).sqrt().add(1e-12));
}

/** Both probes of `encoder` (frozen: only read) on `rows`, timed. */
export async function probeEncoder(
  encoder: tf.LayersModel,
  ds: Dataset,
  shape: number[],
  rows: { train: Int32Array; val: Int32Array },
): Promise<ProbeScores> {
  const started = performance.now();
  const labels = ds.y as Int32Array;
  const trainY = Int32Array.from(rows.train, (r) => labels[r]!);
  const valY = Int32Array.from(rows.val, (r) => labels[r]!);
  const classes = ds.classNames.length;
  const trainX = await encodeRows(encoder, ds, shape, rows.train);
  let valX: tf.Tensor2D | null = null;
  try {
    valX = await encodeRows(encoder, ds, shape, rows.val);
    const linear = await linearProbe(trainX, trainY, valX, valY, classes);
    const knn = await knnProbe(trainX, trainY, valX, valY, classes);
    return {
      linear,
      knn,
      k: Math.min(PROBE_LIMITS.k, trainY.length),
      trainRows: trainY.length,
      valRows: valY.length,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    tf.dispose(valX ? [trainX, valX] : [trainX]);
  }
}

/**
 * Wraps an objective's epoch callback (see pretrain.ts): every `epoch` event it yields gets the
 * probe of the encoder as it is now, before it goes out, so the UI, the run's curve and the
 * checkpoint saved after it (which receives the same log) all carry it. Without `probe` (no
 * labels) the callback is returned as is.
 */
export function withProbe<A, E extends { type: string }>(
  probe: (() => Promise<ProbeScores>) | null,
  onEpochEnd: (a: A) => AsyncGenerator<E>,
): (a: A) => AsyncGenerator<E> {
  if (!probe) return onEpochEnd;
  return async function* (a: A) {
    for await (const ev of onEpochEnd(a)) {
      const log = ev.type === 'epoch' ? (ev as { log?: EpochLog }).log : undefined;
      if (log) log.probe = await probe();
      yield ev;
    }
  };
}
