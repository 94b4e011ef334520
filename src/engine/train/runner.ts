// The batch loop shared by every stage (fine-tuning, autoencoders, GANs): shuffling, pause and
// stop at the next batch, losses read from the device in groups, NaN detection, throughput.
// A stage supplies one update step (returning a loss scalar per series) and what happens after
// each epoch.
import * as tf from '@tensorflow/tfjs';
import { mulberry32, shuffleInPlace } from '../data/random';
import { RunControl, nextMacrotask } from './control';

export interface RunnerConfig {
  epochs: number;
  batchSize: number;
  seed: number;
  /** Read the queued losses after this many batches (or sooner, see `readIntervalMs`). */
  readEvery: number;
  readIntervalMs?: number;
  /** Resuming: the first epoch to run (1-based) and the steps already done before it. */
  startEpoch?: number;
  startStep?: number;
  /**
   * Divergence bound on the first series: the run stops as diverged when a moving average of the
   * batch losses (weight 0.3 on the newest) passes it, or passes 3 × the run's first batch loss if
   * that is higher (a pretrained encoder with large features can start above the bound). NaN and
   * infinite losses always stop it.
   */
  lossBound?: number;
}

export interface StepTask {
  /** Loss series, one scalar per step each: ['loss'], or ['discriminator', 'generator']. */
  series: string[];
  rows: Int32Array;
  /**
   * One update on rows[start, end) as the run's 0-based `step`; returns one scalar per series
   * (the runner disposes them).
   */
  step(rows: Int32Array, start: number, end: number, step: number): tf.Scalar[];
  /** Before each epoch (1-based): e.g. freeze or unfreeze layers. Returning false ends the run (early stopping). */
  beginEpoch?(epoch: number): Promise<boolean | void> | boolean | void;
}

export type RunnerEvent =
  | { type: 'batch'; epoch: number; batch: number; step: number; stepsPerEpoch: number; samplesPerSec: number }
  /** `losses[k]` holds series k's values for `steps`. */
  | { type: 'losses'; steps: number[]; losses: number[][] }
  | { type: 'paused'; step: number }
  | { type: 'resumed'; step: number }
  | { type: 'epochEnd'; epoch: number; step: number; trainLoss: number; seconds: number }
  /** `bound`: set when the loss passed the divergence bound rather than becoming NaN/infinite. */
  | { type: 'diverged'; step: number; loss: number; series: string; bound?: number };

export interface RunnerResult {
  state: 'done' | 'stopped' | 'diverged';
  steps: number;
}

export async function* runBatches(
  task: StepTask,
  cfg: RunnerConfig,
  control: RunControl,
): AsyncGenerator<RunnerEvent, RunnerResult> {
  const rows = Int32Array.from(task.rows);
  const stepsPerEpoch = Math.ceil(rows.length / cfg.batchSize);
  const readIntervalMs = cfg.readIntervalMs ?? 300;
  let step = cfg.startStep ?? 0;
  const queue = new LossQueue(task.series, cfg, step);

  // Reads the queued losses and yields them, then a 'diverged' event if one is not finite (or
  // passed the bound); returns whether it did.
  async function* flush(): AsyncGenerator<RunnerEvent, boolean> {
    const read = await queue.read(step);
    if (!read) return false;
    yield { type: 'losses', ...read };
    const diverged = queue.divergence(read);
    if (diverged) yield diverged;
    return diverged !== null;
  }

  let state: RunnerResult['state'] = 'done';
  try {
    outer: for (let epoch = cfg.startEpoch ?? 1; epoch <= cfg.epochs; epoch++) {
      if ((await task.beginEpoch?.(epoch)) === false) break;
      const started = performance.now();
      // From the original order each epoch: the order depends only on seed and epoch, so a run
      // resumed at epoch k sees the batches the uninterrupted run would have.
      rows.set(task.rows);
      shuffleInPlace(rows, mulberry32(cfg.seed * 7919 + epoch));
      queue.startEpoch();
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (control.isPaused) {
          if (yield* flush()) {
            state = 'diverged';
            break outer;
          }
          yield { type: 'paused', step };
          await control.waitWhilePaused();
          queue.markRate(step);
          if (!control.isStopped) yield { type: 'resumed', step };
        }
        if (control.isStopped) {
          state = 'stopped';
          break outer;
        }
        const losses = task.step(rows, b * cfg.batchSize, Math.min(rows.length, (b + 1) * cfg.batchSize), step);
        step++;
        queue.push(losses, step);
        if (
          queue.size >= cfg.readEvery ||
          performance.now() - queue.lastRead > readIntervalMs ||
          b === stepsPerEpoch - 1
        ) {
          if (yield* flush()) {
            state = 'diverged';
            break outer;
          }
        }
        await nextMacrotask();
        yield { type: 'batch', epoch, batch: b + 1, step, stepsPerEpoch, samplesPerSec: queue.rate };
      }
      yield {
        type: 'epochEnd',
        epoch,
        step,
        trainLoss: queue.epochLoss,
        seconds: (performance.now() - started) / 1000,
      };
    }
    if (yield* flush()) state = 'diverged';
  } finally {
    queue.dispose();
  }
  return { state, steps: step };
}

type Read = { steps: number[]; losses: number[][] };

/**
 * The steps' losses, queued on the device and read back in one transfer each time: the epoch's
 * mean of series 0, the samples per second, and whether a loss diverged.
 */
class LossQueue {
  private pending: tf.Scalar[] = []; // one scalar per series per queued step
  private pendingSteps: number[] = [];
  private epochSum = 0;
  private epochCount = 0;
  lastRead = performance.now();
  rate = 0;
  private rateMark: { time: number; step: number };
  private smoothed = NaN; // moving average of series 0, for the divergence bound
  private bound = Infinity; // set from the first loss read

  constructor(
    private readonly series: string[],
    private readonly cfg: RunnerConfig,
    step: number,
  ) {
    this.rateMark = { time: performance.now(), step };
  }

  get size(): number {
    return this.pendingSteps.length;
  }

  get epochLoss(): number {
    return this.epochCount ? this.epochSum / this.epochCount : NaN;
  }

  push(losses: tf.Scalar[], step: number): void {
    this.pending.push(...losses);
    this.pendingSteps.push(step);
  }

  startEpoch(): void {
    this.epochSum = 0;
    this.epochCount = 0;
  }

  /** The rate is measured from here (after a pause). */
  markRate(step: number): void {
    this.rateMark = { time: performance.now(), step };
  }

  /** Every queued loss in one device-to-CPU transfer (`step`: the run's step now, for the rate). */
  async read(step: number): Promise<Read | null> {
    if (!this.pending.length) return null;
    const k = this.series.length;
    const stacked = tf.stack(this.pending);
    let flat: Float32Array | Int32Array | Uint8Array;
    try {
      flat = await stacked.data();
    } finally {
      stacked.dispose();
      this.pending.forEach((t) => t.dispose());
    }
    const steps = this.pendingSteps;
    this.pending = [];
    this.pendingSteps = [];
    const losses = this.series.map((_, s) => steps.map((_, i) => flat[i * k + s]!));
    const now = performance.now();
    this.lastRead = now;
    if (now > this.rateMark.time && step > this.rateMark.step) {
      const inst = ((step - this.rateMark.step) * this.cfg.batchSize * 1000) / (now - this.rateMark.time);
      this.rate = this.rate ? 0.7 * this.rate + 0.3 * inst : inst;
      this.rateMark = { time: now, step };
    }
    for (const v of losses[0]!) {
      this.epochSum += v;
      this.epochCount++;
    }
    return { steps, losses };
  }

  /** The first loss of `read` that is not finite, or where series 0's average passed the bound. */
  divergence(read: Read): Extract<RunnerEvent, { type: 'diverged' }> | null {
    for (let s = 0; s < this.series.length; s++) {
      const bad = read.losses[s]!.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        return { type: 'diverged', step: read.steps[bad]!, loss: read.losses[s]![bad]!, series: this.series[s]! };
    }
    if (this.cfg.lossBound === undefined) return null;
    const values = read.losses[0]!;
    for (let i = 0; i < values.length; i++) {
      if (Number.isNaN(this.smoothed)) this.bound = Math.max(this.cfg.lossBound, 3 * values[i]!);
      this.smoothed = Number.isNaN(this.smoothed) ? values[i]! : 0.7 * this.smoothed + 0.3 * values[i]!;
      if (this.smoothed > this.bound)
        return {
          type: 'diverged',
          step: read.steps[i]!,
          loss: this.smoothed,
          series: this.series[0]!,
          bound: this.bound,
        };
    }
    return null;
  }

  dispose(): void {
    this.pending.forEach((t) => t.dispose());
    this.pending = [];
  }
}

/**
 * Runs `inner`, passing its events through and replacing each epochEnd by what `onEpochEnd`
 * yields (validation, pictures). Returns the inner result.
 */
export async function* withEpochs<E>(
  inner: AsyncGenerator<RunnerEvent, RunnerResult>,
  onEpochEnd: (e: Extract<RunnerEvent, { type: 'epochEnd' }>) => AsyncGenerator<E>,
): AsyncGenerator<Exclude<RunnerEvent, { type: 'epochEnd' }> | E, RunnerResult> {
  let next = await inner.next();
  while (!next.done) {
    const ev = next.value;
    if (ev.type === 'epochEnd') yield* onEpochEnd(ev);
    else yield ev;
    next = await inner.next();
  }
  return next.value;
}
