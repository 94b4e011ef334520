// The studio's training loop: an async generator of batch, loss and epoch events.
// A hand-written loop (not model.fit) for control: pause and stop at the next batch, losses read
// in groups (one GPU read per several batches), and NaN detection.
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { gatherBatch } from '../data/dataset';
import { mulberry32, shuffleInPlace } from '../data/random';
import { classificationMetrics, regressionMetrics } from '../metrics';
import type { EpochLog, Evaluation } from '../../shared/types';
import { RunControl } from './control';
import { runBatches, withEpochs, type RunnerConfig, type RunnerEvent, type RunnerResult, type StepTask } from './runner';

export interface LoopConfig extends RunnerConfig {
  learningRate: number;
  /** Use only this many training rows per class (0: all), to measure what pretraining buys. */
  labelsPerClass?: number;
}

export type TrainEvent =
  | Exclude<RunnerEvent, { type: 'epochEnd' }>
  | { type: 'epoch'; log: EpochLog };

export type TrainResult = RunnerResult;

/** The trainable variables in a stable order (Adam keeps its slots by position). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

export function batchTensors(model: tf.LayersModel, ds: Dataset, rows: Int32Array, start: number, end: number) {
  const { x, y, size } = gatherBatch(ds, rows, start, end);
  const inShape = model.inputs[0]!.shape.slice(1) as number[];
  return tf.tidy(() => ({
    xs: tf.tensor(x, [size, ...inShape]),
    ys: ds.task === 'regression' ? tf.tensor2d(y, [size, 1]) : tf.oneHot(tf.tensor1d(y as Int32Array, 'int32'), ds.classNames.length),
  }));
}

/** Per-sample loss: categorical cross-entropy for classes, squared error for regression. */
function sampleLoss(task: Dataset['task'], ys: tf.Tensor, out: tf.Tensor): tf.Tensor {
  return task === 'regression' ? tf.metrics.meanSquaredError(ys, out) : tf.metrics.categoricalCrossentropy(ys, out);
}

export function batchLoss(model: tf.LayersModel, task: Dataset['task'], xs: tf.Tensor, ys: tf.Tensor, training: boolean): tf.Scalar {
  return sampleLoss(task, ys, model.apply(xs, { training }) as tf.Tensor).mean() as tf.Scalar;
}

/**
 * Trains `model` on the dataset's train split (or its label budget), validating on the val split
 * after each epoch. The caller owns the model; the optimizer is created and disposed here.
 */
export async function* trainClassifier(
  model: tf.LayersModel,
  ds: Dataset,
  cfg: LoopConfig,
  control: RunControl,
  /** An optimizer to use (e.g. restored from a checkpoint); the caller then disposes it. */
  given?: tf.Optimizer,
  /** Called after each epoch's validation, between batches (e.g. to save a checkpoint). */
  afterEpoch?: (log: EpochLog, model: tf.LayersModel, optimizer: tf.Optimizer) => Promise<void>,
): AsyncGenerator<TrainEvent, TrainResult> {
  if (ds.task === 'none' || !ds.y) throw new Error(`${ds.name} has no label to learn: choose a label column first.`);
  const optimizer = given ?? tf.train.adam(cfg.learningRate);
  const vars = trainableVariables(model);
  const task: StepTask = {
    series: ['loss'],
    rows: labelBudget(ds, cfg.labelsPerClass ?? 0, cfg.seed),
    step: (rows, start, end) => {
      // Each batch is assembled on the CPU and uploaded: measured faster here than keeping the
      // training set on the device and gathering (5x slower on WebGL, see README, Benchmark).
      const { xs, ys } = batchTensors(model, ds, rows, start, end);
      try {
        return [optimizer.minimize(() => batchLoss(model, ds.task, xs, ys, true), true, vars) as tf.Scalar];
      } finally {
        tf.dispose([xs, ys]);
      }
    },
  };
  try {
    return yield* withEpochs(runBatches(task, { lossBound: lossBound(ds), ...cfg }, control), async function* (e) {
      const val = await evaluateLoss(model, ds, ds.split.val);
      if (ds.split.val.length > 0 && !Number.isFinite(val.loss)) {
        // Weights blew up between the last read and validation: nothing of this epoch is kept.
        yield { type: 'diverged' as const, step: e.step, loss: val.loss, series: 'validation loss' };
        control.stop();
        return;
      }
      const log: EpochLog = { epoch: e.epoch, step: e.step, trainLoss: e.trainLoss, valLoss: val.loss, valAccuracy: val.accuracy, seconds: e.seconds };
      yield { type: 'epoch' as const, log };
      await afterEpoch?.(log, model, optimizer);
    });
  } finally {
    if (!given) optimizer.dispose();
  }
}

/**
 * When a classifier's loss is diverging: its moving average is above three times the loss of
 * guessing uniformly (ln of the class count; cross-entropy saturates near 16, so a blown-up
 * network shows as a plateau there rather than as NaN). Regression (standardized labels): 1e4.
 */
export function lossBound(ds: Dataset): number {
  return ds.task === 'classification' ? 3 * Math.log(Math.max(2, ds.classNames.length)) : 1e4;
}

/** The training rows, or the first `perClass` of each class in a seeded order (0: all rows). */
export function labelBudget(ds: Dataset, perClass: number, seed: number): Int32Array {
  if (!perClass || ds.task !== 'classification' || !ds.y) return ds.split.train;
  const order = shuffleInPlace(Int32Array.from(ds.split.train), mulberry32(seed * 31 + 17));
  const taken = new Array<number>(ds.classNames.length).fill(0);
  const out: number[] = [];
  for (const r of order) {
    const c = ds.y[r]!;
    if (taken[c]! < perClass) {
      taken[c]!++;
      out.push(r);
    }
  }
  return Int32Array.from(out).sort();
}

/** Model outputs for `rows` (batched, one read per chunk): class index, or the raw output. */
export async function predictRows(model: tf.LayersModel, ds: Dataset, rows: Int32Array, chunk = 1024): Promise<Float32Array> {
  const out = new Float32Array(rows.length);
  for (let start = 0; start < rows.length; start += chunk) {
    const end = Math.min(rows.length, start + chunk);
    const { xs, ys } = batchTensors(model, ds, rows, start, end);
    const pred = tf.tidy(() => {
      const o = model.apply(xs, { training: false }) as tf.Tensor;
      return ds.task === 'regression' ? o.reshape([-1]) : o.argMax(-1).toFloat();
    });
    out.set(await pred.data(), start);
    tf.dispose([xs, ys, pred]);
  }
  return out;
}

/** Mean loss and accuracy (classification; NaN for regression) over `rows`, dropout off. */
export async function evaluateLoss(model: tf.LayersModel, ds: Dataset, rows: Int32Array, chunk = 1024): Promise<{ loss: number; accuracy: number }> {
  if (!rows.length) return { loss: NaN, accuracy: NaN };
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < rows.length; start += chunk) {
    const end = Math.min(rows.length, start + chunk);
    const { xs, ys } = batchTensors(model, ds, rows, start, end);
    const sums = tf.tidy(() => {
      const out = model.apply(xs, { training: false }) as tf.Tensor;
      const loss = sampleLoss(ds.task, ys, out).sum();
      const hits = ds.task === 'regression' ? tf.scalar(0) : tf.equal(out.argMax(-1), ys.argMax(-1)).sum().toFloat();
      return tf.stack([loss, hits]);
    });
    const [l, h] = await sums.data();
    lossSum += l!;
    correct += h!;
    tf.dispose([xs, ys, sums]);
  }
  return { loss: lossSum / rows.length, accuracy: ds.task === 'regression' ? NaN : correct / rows.length };
}

/** Test-split evaluation for the results panel. */
export async function evaluateTest(model: tf.LayersModel, ds: Dataset): Promise<Evaluation> {
  const rows = ds.split.test;
  const y = ds.y!;
  const { loss } = await evaluateLoss(model, ds, rows);
  const predicted = await predictRows(model, ds, rows);
  if (ds.task === 'regression') {
    // Back to the label's own units.
    const label = ds.preprocessing.kind === 'table' && ds.preprocessing.label?.type === 'numeric' ? ds.preprocessing.label : { mean: 0, std: 1 };
    const unscale = (v: number) => v * label.std + label.mean;
    const actual = Float64Array.from(rows, (r) => unscale(y[r]!));
    const m = regressionMetrics(actual, Float64Array.from(predicted, unscale));
    return { task: 'regression', split: 'test', samples: rows.length, loss, ...m };
  }
  const actual = Int32Array.from(rows, (r) => y[r]!);
  const m = classificationMetrics(actual, Int32Array.from(predicted), ds.classNames.length);
  return { task: 'classification', split: 'test', samples: rows.length, loss, accuracy: m.accuracy, macroF1: m.macroF1, confusion: m.confusion, classNames: ds.classNames };
}
