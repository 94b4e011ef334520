// The studio's training loop: an async generator of batch, loss and epoch events.
// A hand-written loop (not model.fit) for control: pause and stop at the next batch, losses read
// in groups (one GPU read per several batches), and NaN detection.
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { classificationMetrics, regressionMetrics } from '../metrics';
import { decodeRow } from '../../shared/preprocessing';
import { headOnly, learningRateAt } from '../../shared/schedule';
import { DEFAULT_CONFIG } from '../../shared/defaults';
import type { EpochLog, Evaluation, LayerInfo, WrongExample } from '../../shared/types/results';
import type { TrainConfig } from '../../shared/types/training';
import { tokenizerFor } from '../text/cache';
import { applyFreeze } from './freeze';
import { createOptimizer, disposeOptimizer } from './optimizers';
import { RunControl, nextMacrotask } from './control';
import {
  runBatches,
  withEpochs,
  type RunnerConfig,
  type RunnerEvent,
  type RunnerResult,
  type StepTask,
} from './runner';

import { batchTensors, sampleLoss, trainableVariables } from './batches';
import { EpochFigures, methodRun } from './methodRun';

export { batchLoss, batchTensors, trainableVariables } from './batches';
export { epochRows, unlabelledPool } from './methodRun';
export { budgetedRows } from './budget';

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
  | 'method'
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

/**
 * Fine-tunes `model` by the config's method (its step: methods/) on the dataset's train split (or
 * its label budget), validating on the val split after each epoch: the optimizer and rate schedule
 * of the config, freezing phases (a new optimizer when the trainable layers change), early
 * stopping with the best weights restored. The caller owns the model; optimizers are created and
 * disposed here.
 */
export async function* trainWithLabels(
  model: tf.LayersModel,
  ds: Dataset,
  config: LoopConfig,
  control: RunControl,
  hooks: TrainHooks = {},
): AsyncGenerator<TrainEvent, TrainResult> {
  if (ds.task === 'none' || !ds.y) throw new Error(`${ds.name} has no label to learn: choose a label column first.`);
  const cfg = { ...DEFAULT_CONFIG, ...config };
  const { method, labelled, ...plan } = methodRun(ds, cfg);
  const stepsPerEpoch = Math.ceil(plan.rows.length / plan.batchSize);
  const phase = new FreezePhase(model, cfg);
  const pendingEvents: TrainEvent[] = [];
  const best = new BestEpoch();
  let stopAfter = 0;
  let divergedInValidation = false;

  const figures = new EpochFigures(method);
  const task: StepTask = {
    series: [...method.series, ...figures.names],
    rows: plan.rows,
    beginEpoch: async (epoch) => {
      if (stopAfter || divergedInValidation) return false;
      const layers = await phase.begin(epoch, hooks.restoreOptimizer);
      if (layers) pendingEvents.push({ type: 'layers', epoch, layers });
    },
    step: method.step({
      model,
      ds,
      cfg,
      labelled,
      batchSize: cfg.batchSize,
      phase,
      rate: (step) => cfg.rateAt?.(step) ?? learningRateAt(cfg, step, stepsPerEpoch),
    }),
  };
  try {
    const batches = runBatches(task, { lossBound: lossBound(ds), ...cfg, batchSize: plan.batchSize }, control);
    const inner = withEpochs(figures.split(batches), async function* (e) {
      if (cfg.quiet) return;
      const val = await evaluateLoss(model, ds, ds.split.val);
      if (ds.split.val.length > 0 && !Number.isFinite(val.loss)) {
        // Weights blew up between the last read and validation: nothing of this epoch is kept.
        // The run ends as diverged (not stopped), so that it can wait paused for recovery.
        yield { type: 'diverged' as const, step: e.step, loss: val.loss, series: 'validation loss' };
        divergedInValidation = true;
        return;
      }
      const log = {
        ...epochLog(e, val, learningRateAt(cfg, Math.max(0, e.step - 1), stepsPerEpoch)),
        ...figures.take(),
      };
      // The best epoch's copy is taken before the epoch is told (its memory reading includes it).
      const stopNow =
        cfg.earlyStopping.enabled &&
        Number.isFinite(val.loss) &&
        best.sinceBest(model, log, cfg.earlyStopping.patience) &&
        e.epoch < cfg.epochs;
      yield { type: 'epoch' as const, log };
      if (stopNow) {
        stopAfter = e.epoch;
        yield { type: 'earlyStop' as const, epoch: e.epoch, bestEpoch: best.epoch };
      }
      await hooks.afterEpoch?.(log, model, phase.optimizer!);
    });
    const ran = yield* withQueued(inner, pendingEvents);
    const result: TrainResult = divergedInValidation ? { ...ran, state: 'diverged' } : ran;
    if (best.weights && result.state !== 'diverged')
      yield* best.restore(model, stopAfter || lastEpochRun(result.steps, stepsPerEpoch), async (restored) => {
        // The run's result is the best epoch: saved as its final checkpoint. A restored one without
        // optimizer state: that belongs to a later epoch (maybe another freezing phase).
        if (result.state === 'done')
          await hooks.afterEpoch?.(best.log!, model, restored ? null : phase.optimizer, true);
      });
    return result;
  } finally {
    best.dispose();
    phase.dispose();
  }
}

/** An epoch's log: the runner's figures, the validation's, and the rate its last step used. */
function epochLog(
  e: Extract<RunnerEvent, { type: 'epochEnd' }>,
  val: { loss: number; accuracy: number },
  learningRate: number,
): EpochLog {
  const { epoch, step, trainLoss, seconds } = e;
  return { epoch, step, trainLoss, valLoss: val.loss, valAccuracy: val.accuracy, seconds, learningRate };
}

/** Passes `inner`'s events through, each preceded by the events queued meanwhile (`queued`). */
async function* withQueued<E, Q, R>(inner: AsyncGenerator<E, R>, queued: Q[]): AsyncGenerator<E | Q, R> {
  let next = await inner.next();
  while (!next.done) {
    while (queued.length) yield queued.shift()!;
    yield next.value;
    next = await inner.next();
  }
  while (queued.length) yield queued.shift()!;
  return next.value;
}

/**
 * The freezing phase an epoch trains in: which layers train, and the optimizer over their
 * variables (a fresh one whenever the set changes: Adam keeps its slots by position).
 */
class FreezePhase {
  optimizer: tf.Optimizer | null = null;
  vars: tf.Variable[] = [];
  private headOnly: boolean | null = null;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly cfg: LoopConfig & typeof DEFAULT_CONFIG,
  ) {}

  /** Enters `epoch`'s phase; the layers that train when they change (null: the same phase goes on). */
  async begin(epoch: number, restore?: TrainHooks['restoreOptimizer']): Promise<ReturnType<typeof applyFreeze> | null> {
    const headPhase = headOnly(this.cfg.freeze, epoch);
    if (this.headOnly === headPhase && this.optimizer) return null;
    const layers = applyFreeze(this.model, this.cfg.freeze, epoch);
    // A resumed run that goes on in the phase it was saved in gets its optimizer state back.
    const resumedSamePhase = this.headOnly === null && epoch > 1 && headOnly(this.cfg.freeze, epoch - 1) === headPhase;
    this.dispose();
    this.optimizer = createOptimizer(this.cfg.optimizer, this.cfg.learningRate);
    this.vars = trainableVariables(this.model);
    this.headOnly = headPhase;
    if (resumedSamePhase && restore) await restore(this.optimizer);
    return layers;
  }

  dispose(): void {
    if (this.optimizer) disposeOptimizer(this.optimizer);
    this.optimizer = null;
  }
}

/** Early stopping's best epoch so far (lowest validation loss) and a copy of its weights. */
class BestEpoch {
  epoch = 0;
  weights: tf.Tensor[] | null = null;
  log: EpochLog | null = null;
  private since = 0;

  /**
   * Takes `log`'s epoch as the best when its validation loss is lower (copying the weights before
   * the epoch is told: its memory reading includes the copy); whether `patience` epochs have now
   * passed without a better one.
   */
  sinceBest(model: tf.LayersModel, log: EpochLog, patience: number): boolean {
    if (log.valLoss < (this.log?.valLoss ?? Infinity)) {
      this.dispose();
      this.weights = model.getWeights().map((w) => tf.clone(w));
      this.epoch = log.epoch;
      this.log = log;
      this.since = 0;
      return false;
    }
    return ++this.since >= patience;
  }

  /**
   * Puts the best weights back when the run ended on another epoch (`last`), saying so; then
   * `saveFinal(restored)`.
   */
  async *restore(
    model: tf.LayersModel,
    last: number,
    saveFinal: (restored: boolean) => Promise<void>,
  ): AsyncGenerator<TrainEvent> {
    const restored = this.epoch !== last;
    if (restored && this.weights && this.log) {
      model.setWeights(this.weights);
      yield { type: 'restoredBest', epoch: this.epoch, valLoss: this.log.valLoss, log: this.log };
    }
    await saveFinal(restored);
  }

  dispose(): void {
    tf.dispose(this.weights ?? []);
    this.weights = null;
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
 * Rows evaluated at once. Each chunk is one synchronous pass; between chunks the worker takes its
 * messages (the page's heartbeat: a CNN on the plain cpu backend reads about 30 digits a second, so
 * a chunk of 1,024 held the worker past the heartbeat's 20 s).
 */
const EVAL_CHUNK = 256;

/**
 * Model outputs for `rows` (batched, one read per chunk): the class index and its probability,
 * or the raw output (regression; confidence NaN).
 */
export async function predictRows(
  model: tf.LayersModel,
  ds: Dataset,
  rows: Int32Array,
  chunk = EVAL_CHUNK,
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
    await nextMacrotask();
  }
  return { predicted, confidence };
}

/** Mean loss and accuracy (classification; NaN for regression) over `rows`, dropout off. */
export async function evaluateLoss(
  model: tf.LayersModel,
  ds: Dataset,
  rows: Int32Array,
  chunk = EVAL_CHUNK,
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
    await nextMacrotask();
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
