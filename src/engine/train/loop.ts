// The studio's training loop: an async generator of batch, loss and epoch events.
// A hand-written loop (not model.fit) for control: pause and stop at the next batch, losses read
// in groups (one GPU read per several batches), and NaN detection.
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { gatherBatch, trimPadding } from '../data/dataset';
import { sampleShape } from '../models/shape';
import { mulberry32, shuffleInPlace } from '../data/random';
import { classificationMetrics, regressionMetrics } from '../metrics';
import { decodeRow } from '../../shared/preprocessing';
import { headOnly, learningRateAt } from '../../shared/schedule';
import { DEFAULT_CONFIG } from '../../shared/defaults';
import type { EpochLog, Evaluation, LayerInfo, WrongExample } from '../../shared/types/results';
import type { AugmentSpec, TrainConfig } from '../../shared/types/training';
import { inputBatch, stepSeed } from '../augment/batch';
import { tokenizerFor } from '../text/cache';
import { applyFreeze } from './freeze';
import { createOptimizer, disposeOptimizer, setLearningRate } from './optimizers';
import { RunControl } from './control';
import {
  runBatches,
  withEpochs,
  type RunnerConfig,
  type RunnerEvent,
  type RunnerResult,
  type StepTask,
} from './runner';

type FinetuneOptions = Pick<
  TrainConfig,
  | 'optimizer'
  | 'schedule'
  | 'freeze'
  | 'earlyStopping'
  | 'labelBudget'
  | 'labelFraction'
  | 'labelsPerClass'
  | 'augmentation'
>;

export interface LoopConfig extends RunnerConfig, Partial<FinetuneOptions>, SweepHooks {
  learningRate: number;
}

/** A learning-rate sweep (lrFinder.ts) instead of training: its rate per step, nothing after epochs. */
export interface SweepHooks {
  /** The rate of 0-based `step`, instead of the schedule's. */
  rateAt?: (step: number) => number;
  /** No validation, early stopping, checkpoints or pictures after an epoch. */
  quiet?: boolean;
}

export type TrainEvent =
  | Exclude<RunnerEvent, { type: 'epochEnd' }>
  | { type: 'epoch'; log: EpochLog }
  /** The layers and whether each trains, at the start and whenever freezing changes it. */
  | { type: 'layers'; epoch: number; layers: LayerInfo[] }
  /** Early stopping ended the run after `epoch`. */
  | { type: 'earlyStop'; epoch: number; bestEpoch: number }
  /** The best epoch's weights were put back (early stopping). */
  | { type: 'restoredBest'; epoch: number; valLoss: number; log: EpochLog };

export type TrainResult = RunnerResult;

export interface TrainHooks {
  /** Puts a checkpoint's optimizer state into the optimizer the first resumed epoch uses. */
  restoreOptimizer?: (optimizer: tf.Optimizer) => Promise<void>;
  /**
   * Called after each epoch's validation, between batches (e.g. to save a checkpoint); with
   * early stopping, once more at the end with the best epoch's log and weights, `final` set.
   */
  afterEpoch?: (log: EpochLog, model: tf.LayersModel, optimizer: tf.Optimizer | null, final?: boolean) => Promise<void>;
}

/** The trainable variables in a stable order (Adam keeps its slots by position). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * A batch as tensors for `model`: inputs (augmented when `augment` is given: training batches
 * only) and targets (one-hot classes, or the standardized value).
 */
export function batchTensors(
  model: tf.LayersModel,
  ds: Dataset,
  rows: Int32Array,
  start: number,
  end: number,
  augment?: { spec: AugmentSpec; seed: number },
) {
  const batch = gatherBatch(ds, rows, start, end);
  const { y, size } = batch;
  // A text model of free length reads the batch cut to its longest text.
  const free = ds.preprocessing.kind === 'text' && model.inputs[0]!.shape[1] === null;
  const { x, length } = free ? trimPadding(batch.x, size, ds.features) : { x: batch.x, length: ds.features };
  const inShape = sampleShape(model, length);
  return tf.tidy(() => ({
    xs: inputBatch(ds, x, size, inShape, augment?.spec, augment?.seed ?? 0),
    ys:
      ds.task === 'regression'
        ? tf.tensor2d(y, [size, 1])
        : tf.oneHot(tf.tensor1d(y as Int32Array, 'int32'), ds.classNames.length),
  }));
}

/** Per-sample loss: categorical cross-entropy for classes, squared error for regression. */
function sampleLoss(task: Dataset['task'], ys: tf.Tensor, out: tf.Tensor): tf.Tensor {
  return task === 'regression' ? tf.metrics.meanSquaredError(ys, out) : tf.metrics.categoricalCrossentropy(ys, out);
}

export function batchLoss(
  model: tf.LayersModel,
  task: Dataset['task'],
  xs: tf.Tensor,
  ys: tf.Tensor,
  training: boolean,
): tf.Scalar {
  return sampleLoss(task, ys, model.apply(xs, { training }) as tf.Tensor).mean() as tf.Scalar;
}

/**
 * Trains `model` on the dataset's train split (or its label budget), validating on the val split
 * after each epoch: the optimizer and rate schedule of the config, freezing phases (a new
 * optimizer when the trainable layers change), early stopping with the best weights restored.
 * The caller owns the model; optimizers are created and disposed here.
 */
export async function* trainSupervised(
  model: tf.LayersModel,
  ds: Dataset,
  config: LoopConfig,
  control: RunControl,
  hooks: TrainHooks = {},
): AsyncGenerator<TrainEvent, TrainResult> {
  if (ds.task === 'none' || !ds.y) throw new Error(`${ds.name} has no label to learn: choose a label column first.`);
  const cfg = { ...DEFAULT_CONFIG, ...config };
  const rows = budgetedRows(ds, cfg, cfg.seed);
  const stepsPerEpoch = Math.ceil(rows.length / cfg.batchSize);
  // The optimizer of the current freezing phase, its variables, and whether it is head-only.
  const phase = { optimizer: null as tf.Optimizer | null, vars: [] as tf.Variable[], headOnly: null as boolean | null };
  const pendingEvents: TrainEvent[] = [];
  // Early stopping: the best epoch so far and a copy of its weights.
  let best = { loss: Infinity, epoch: 0, weights: null as tf.Tensor[] | null, log: null as EpochLog | null };
  let sinceBest = 0;
  let stopAfter = 0;
  let divergedInValidation = false;

  const task: StepTask = {
    series: ['loss'],
    rows,
    beginEpoch: async (epoch) => {
      if (stopAfter || divergedInValidation) return false;
      const headPhase = headOnly(cfg.freeze, epoch);
      if (phase.headOnly === headPhase && phase.optimizer) return;
      // Another set of trainable variables: a fresh optimizer (Adam keeps its slots by position).
      const layers = applyFreeze(model, cfg.freeze, epoch);
      const resumedSamePhase = phase.headOnly === null && epoch > 1 && headOnly(cfg.freeze, epoch - 1) === headPhase;
      if (phase.optimizer) disposeOptimizer(phase.optimizer);
      phase.optimizer = createOptimizer(cfg.optimizer, cfg.learningRate);
      phase.vars = trainableVariables(model);
      phase.headOnly = headPhase;
      if (resumedSamePhase && hooks.restoreOptimizer) await hooks.restoreOptimizer(phase.optimizer);
      pendingEvents.push({ type: 'layers', epoch, layers });
    },
    step: (rows, start, end, step) => {
      // Each batch is assembled on the CPU and uploaded: measured faster here than keeping the
      // training set on the device and gathering (5x slower on WebGL, see README, Benchmark).
      const augment = cfg.augmentation && { spec: cfg.augmentation, seed: stepSeed(cfg.seed, step) };
      const { xs, ys } = batchTensors(model, ds, rows, start, end, augment);
      try {
        const optimizer = phase.optimizer!;
        setLearningRate(optimizer, cfg.rateAt ? cfg.rateAt(step) : learningRateAt(cfg, step, stepsPerEpoch));
        return [optimizer.minimize(() => batchLoss(model, ds.task, xs, ys, true), true, phase.vars) as tf.Scalar];
      } finally {
        tf.dispose([xs, ys]);
      }
    },
  };
  try {
    const inner = withEpochs(runBatches(task, { lossBound: lossBound(ds), ...cfg }, control), async function* (e) {
      if (cfg.quiet) return;
      const val = await evaluateLoss(model, ds, ds.split.val);
      if (ds.split.val.length > 0 && !Number.isFinite(val.loss)) {
        // Weights blew up between the last read and validation: nothing of this epoch is kept.
        // The run ends as diverged (not stopped), so that it can wait paused for recovery.
        yield { type: 'diverged' as const, step: e.step, loss: val.loss, series: 'validation loss' };
        divergedInValidation = true;
        return;
      }
      const log: EpochLog = {
        epoch: e.epoch,
        step: e.step,
        trainLoss: e.trainLoss,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        seconds: e.seconds,
        learningRate: learningRateAt(cfg, Math.max(0, e.step - 1), stepsPerEpoch),
      };
      // The best epoch's copy is taken before the epoch is told (its memory reading includes it).
      let stopNow = false;
      if (cfg.earlyStopping.enabled && Number.isFinite(val.loss)) {
        if (val.loss < best.loss) {
          tf.dispose(best.weights ?? []);
          best = { loss: val.loss, epoch: e.epoch, weights: model.getWeights().map((w) => tf.clone(w)), log };
          sinceBest = 0;
        } else stopNow = ++sinceBest >= cfg.earlyStopping.patience && e.epoch < cfg.epochs;
      }
      yield { type: 'epoch' as const, log };
      if (stopNow) {
        stopAfter = e.epoch;
        yield { type: 'earlyStop' as const, epoch: e.epoch, bestEpoch: best.epoch };
      }
      await hooks.afterEpoch?.(log, model, phase.optimizer!);
    });
    // Pass events through, with the layer lists beginEpoch queued.
    let next = await inner.next();
    while (!next.done) {
      while (pendingEvents.length) yield pendingEvents.shift()!;
      yield next.value;
      next = await inner.next();
    }
    while (pendingEvents.length) yield pendingEvents.shift()!;
    const result: TrainResult = divergedInValidation ? { ...next.value, state: 'diverged' } : next.value;
    if (best.weights && result.state !== 'diverged') {
      const restored = best.epoch !== (stopAfter || lastEpochRun(result.steps, stepsPerEpoch));
      if (restored) {
        model.setWeights(best.weights);
        yield { type: 'restoredBest', epoch: best.epoch, valLoss: best.loss, log: best.log! };
      }
      // The run's result is the best epoch: saved as its final checkpoint. A restored one without
      // optimizer state: that belongs to a later epoch (maybe another freezing phase).
      if (result.state === 'done') await hooks.afterEpoch?.(best.log!, model, restored ? null : phase.optimizer, true);
    }
    return result;
  } finally {
    tf.dispose(best.weights ?? []);
    if (phase.optimizer) disposeOptimizer(phase.optimizer);
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

function lastEpochRun(steps: number, stepsPerEpoch: number): number {
  return Math.ceil(steps / stepsPerEpoch);
}

/**
 * The training rows the label budget allows: all, a seeded fraction of each class (at least one
 * row per class), or the first `labelsPerClass` of each class in a seeded order. Regression takes
 * the fraction of all rows (a per-class budget does not apply to it).
 */
export function budgetedRows(
  ds: Dataset,
  b: Pick<TrainConfig, 'labelBudget' | 'labelFraction' | 'labelsPerClass'>,
  seed: number,
): Int32Array {
  const kind = b.labelBudget ?? 'all';
  if (kind === 'all' || !ds.y) return ds.split.train;
  const order = shuffleInPlace(Int32Array.from(ds.split.train), mulberry32(seed * 31 + 17));
  if (ds.task !== 'classification') {
    if (kind !== 'fraction') return ds.split.train;
    return order.slice(0, Math.max(1, Math.round(order.length * b.labelFraction))).sort();
  }
  let quota: number[];
  if (kind === 'perClass') quota = new Array<number>(ds.classNames.length).fill(b.labelsPerClass);
  else {
    const counts = new Array<number>(ds.classNames.length).fill(0);
    for (const r of order) counts[ds.y[r]!]!++;
    quota = counts.map((n) => (n ? Math.max(1, Math.round(n * b.labelFraction)) : 0));
  }
  const taken = new Array<number>(ds.classNames.length).fill(0);
  const out: number[] = [];
  for (const r of order) {
    const c = ds.y[r]!;
    if (taken[c]! < quota[c]!) {
      taken[c]!++;
      out.push(r);
    }
  }
  return Int32Array.from(out).sort();
}

/**
 * Model outputs for `rows` (batched, one read per chunk): the class index and its probability,
 * or the raw output (regression; confidence NaN).
 */
export async function predictRows(
  model: tf.LayersModel,
  ds: Dataset,
  rows: Int32Array,
  chunk = 1024,
): Promise<{ predicted: Float32Array; confidence: Float32Array }> {
  const predicted = new Float32Array(rows.length);
  const confidence = new Float32Array(rows.length).fill(NaN);
  for (let start = 0; start < rows.length; start += chunk) {
    const end = Math.min(rows.length, start + chunk);
    const { xs, ys } = batchTensors(model, ds, rows, start, end);
    const [pred, conf] = tf.tidy(() => {
      const o = model.apply(xs, { training: false }) as tf.Tensor;
      return ds.task === 'regression' ? [o.reshape([-1]), null] : [o.argMax(-1).toFloat(), o.max(-1)];
    });
    predicted.set(await pred!.data(), start);
    if (conf) confidence.set(await conf.data(), start);
    tf.dispose([xs, ys, pred!, ...(conf ? [conf] : [])]);
  }
  return { predicted, confidence };
}

/** Mean loss and accuracy (classification; NaN for regression) over `rows`, dropout off. */
export async function evaluateLoss(
  model: tf.LayersModel,
  ds: Dataset,
  rows: Int32Array,
  chunk = 1024,
): Promise<{ loss: number; accuracy: number }> {
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
  const { predicted, confidence } = await predictRows(model, ds, rows);
  if (ds.task === 'regression') {
    // Back to the label's own units.
    const label =
      ds.preprocessing.kind !== 'image' && ds.preprocessing.label?.type === 'numeric'
        ? ds.preprocessing.label
        : { mean: 0, std: 1 };
    const unscale = (v: number) => v * label.std + label.mean;
    const actual = Float64Array.from(rows, (r) => unscale(y[r]!));
    const pred = Float64Array.from(predicted, unscale);
    const m = regressionMetrics(actual, pred);
    const every = Math.max(1, Math.ceil(rows.length / 500));
    const pick = (a: Float64Array) => Array.from(a.filter((_, i) => i % every === 0));
    return {
      task: 'regression',
      split: 'test',
      samples: rows.length,
      loss,
      ...m,
      scatter: { actual: pick(actual), predicted: pick(pred) },
    };
  }
  const actual = Int32Array.from(rows, (r) => y[r]!);
  const m = classificationMetrics(actual, Int32Array.from(predicted), ds.classNames.length);
  const wrong = Array.from(rows.keys())
    .filter((i) => predicted[i] !== actual[i])
    .sort((a, b) => confidence[b]! - confidence[a]!)
    .slice(0, 8)
    .map((i) => ({
      ...describeRow(ds, rows[i]!),
      row: rows[i]!,
      actual: ds.classNames[actual[i]!]!,
      predicted: ds.classNames[predicted[i]!]!,
      confidence: confidence[i]!,
    }));
  return {
    task: 'classification',
    split: 'test',
    samples: rows.length,
    loss,
    accuracy: m.accuracy,
    macroF1: m.macroF1,
    weightedF1: m.weightedF1,
    perClass: m.perClass,
    confusion: m.confusion,
    classNames: ds.classNames,
    wrong,
  };
}

/** A row as the user knows it: the picture, or the table's values with scaling and one-hot undone. */
export function describeRow(ds: Dataset, row: number): Pick<WrongExample, 'image' | 'values' | 'text'> {
  const f = ds.features;
  const p = ds.preprocessing;
  if (p.kind === 'image') {
    const pixels =
      ds.x instanceof Uint8Array
        ? ds.x.slice(row * f, (row + 1) * f)
        : Uint8Array.from(ds.x.subarray(row * f, (row + 1) * f), (v) => Math.round(v * 255));
    return { image: { height: p.height, width: p.width, channels: p.channels, pixels } };
  }
  // Texts as the model read them: normalized, cut at the maximum length.
  if (p.kind === 'text') return { text: tokenizerFor(p.tokenizer).decode(ds.x.subarray(row * f, (row + 1) * f)) };
  const decoded = decodeRow(p.features, ds.x.subarray(row * f, (row + 1) * f));
  return { values: p.features.map((spec, i) => ({ column: spec.column, value: decoded[i]! })) };
}
