// The studio's training loop: an async generator of batch, loss and epoch events.
// A hand-written loop (not model.fit) for control: pause and stop at the next batch, losses read
// in groups (one GPU read per several batches), and NaN detection.
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { gatherBatch } from '../data/dataset';
import { mulberry32, shuffleInPlace } from '../data/random';
import { classificationMetrics, regressionMetrics } from '../metrics';
import type { EpochLog, Evaluation } from '../../shared/types';
import { RunControl, nextMacrotask } from './control';

export interface LoopConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Read the queued batch losses after this many batches (or sooner, see `readIntervalMs`). */
  readEvery: number;
  readIntervalMs?: number;
}

export type TrainEvent =
  | { type: 'batch'; epoch: number; batch: number; step: number; stepsPerEpoch: number; samplesPerSec: number }
  | { type: 'losses'; steps: number[]; losses: number[] }
  | { type: 'paused'; step: number }
  | { type: 'resumed'; step: number }
  | { type: 'epoch'; log: EpochLog }
  | { type: 'diverged'; step: number; loss: number };

export interface TrainResult {
  state: 'done' | 'stopped' | 'diverged';
  steps: number;
}

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
 * Trains `model` on the dataset's train split, validating on its val split after each epoch.
 * The caller owns the model; the optimizer is created and disposed here.
 */
export async function* trainClassifier(
  model: tf.LayersModel,
  ds: Dataset,
  cfg: LoopConfig,
  control: RunControl,
): AsyncGenerator<TrainEvent, TrainResult> {
  if (ds.task === 'none' || !ds.y) throw new Error(`${ds.name} has no label to learn: choose a label column first.`);
  const optimizer = tf.train.adam(cfg.learningRate);
  const vars = trainableVariables(model);
  const trainRows = Int32Array.from(ds.split.train);
  const stepsPerEpoch = Math.ceil(trainRows.length / cfg.batchSize);
  const readIntervalMs = cfg.readIntervalMs ?? 300;
  let step = 0;
  let pending: tf.Scalar[] = [];
  let pendingSteps: number[] = [];
  let epochLossSum = 0;
  let epochLossCount = 0;
  let lastRead = performance.now();
  let rate = 0;
  let rateMark = { time: performance.now(), step: 0 };

  // Reads every queued loss with one GPU->CPU transfer.
  const readLosses = async (): Promise<{ steps: number[]; losses: number[] } | null> => {
    if (!pending.length) return null;
    const stacked = tf.stack(pending);
    const values = Array.from(await stacked.data());
    stacked.dispose();
    pending.forEach((t) => t.dispose());
    const steps = pendingSteps;
    pending = [];
    pendingSteps = [];
    const now = performance.now();
    lastRead = now;
    if (now > rateMark.time && step > rateMark.step) {
      const inst = ((step - rateMark.step) * cfg.batchSize * 1000) / (now - rateMark.time);
      rate = rate ? 0.7 * rate + 0.3 * inst : inst;
      rateMark = { time: now, step };
    }
    for (const v of values) {
      epochLossSum += v;
      epochLossCount++;
    }
    return { steps, losses: values };
  };

  let state: TrainResult['state'] = 'done';
  try {
    outer: for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const started = performance.now();
      shuffleInPlace(trainRows, mulberry32(cfg.seed * 7919 + epoch));
      epochLossSum = 0;
      epochLossCount = 0;
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (control.isPaused) {
          const read = await readLosses();
          if (read) yield { type: 'losses', ...read };
          yield { type: 'paused', step };
          await control.waitWhilePaused();
          rateMark = { time: performance.now(), step };
          if (!control.isStopped) yield { type: 'resumed', step };
        }
        if (control.isStopped) {
          state = 'stopped';
          break outer;
        }
        const { xs, ys } = batchTensors(model, ds, trainRows, b * cfg.batchSize, Math.min(trainRows.length, (b + 1) * cfg.batchSize));
        const loss = optimizer.minimize(() => batchLoss(model, ds.task, xs, ys, true), true, vars) as tf.Scalar;
        xs.dispose();
        ys.dispose();
        step++;
        pending.push(loss);
        pendingSteps.push(step);
        if (pending.length >= cfg.readEvery || performance.now() - lastRead > readIntervalMs || b === stepsPerEpoch - 1) {
          const read = await readLosses();
          if (read) {
            yield { type: 'losses', ...read };
            const bad = read.losses.findIndex((v) => !Number.isFinite(v));
            if (bad >= 0) {
              yield { type: 'diverged', step: read.steps[bad]!, loss: read.losses[bad]! };
              state = 'diverged';
              break outer;
            }
          }
        }
        await nextMacrotask();
        yield { type: 'batch', epoch, batch: b + 1, step, stepsPerEpoch, samplesPerSec: rate };
      }
      const val = await evaluateLoss(model, ds, ds.split.val);
      yield {
        type: 'epoch',
        log: {
          epoch,
          step,
          trainLoss: epochLossCount ? epochLossSum / epochLossCount : NaN,
          valLoss: val.loss,
          valAccuracy: val.accuracy,
          seconds: (performance.now() - started) / 1000,
        },
      };
    }
    const read = await readLosses();
    if (read) yield { type: 'losses', ...read };
  } finally {
    pending.forEach((t) => t.dispose());
    optimizer.dispose();
  }
  return { state, steps: step };
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
