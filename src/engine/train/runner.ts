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
  const k = task.series.length;
  let step = cfg.startStep ?? 0;
  let pending: tf.Scalar[] = []; // k scalars per queued step
  let pendingSteps: number[] = [];
  let epochLossSum = 0;
  let epochLossCount = 0;
  let lastRead = performance.now();
  let rate = 0;
  let rateMark = { time: performance.now(), step };
  let smoothed = NaN; // moving average of series 0, for the divergence bound
  let bound = Infinity; // set from the first loss read

  // Every queued loss in one device-to-CPU transfer.
  const readLosses = async (): Promise<{ steps: number[]; losses: number[][] } | null> => {
    if (!pending.length) return null;
    const stacked = tf.stack(pending);
    let flat: Float32Array | Int32Array | Uint8Array;
    try {
      flat = await stacked.data();
    } finally {
      stacked.dispose();
      pending.forEach((t) => t.dispose());
    }
    const steps = pendingSteps;
    pending = [];
    pendingSteps = [];
    const losses = task.series.map((_, s) => steps.map((_, i) => flat[i * k + s]!));
    const now = performance.now();
    lastRead = now;
    if (now > rateMark.time && step > rateMark.step) {
      const inst = ((step - rateMark.step) * cfg.batchSize * 1000) / (now - rateMark.time);
      rate = rate ? 0.7 * rate + 0.3 * inst : inst;
      rateMark = { time: now, step };
    }
    for (const v of losses[0]!) {
      epochLossSum += v;
      epochLossCount++;
    }
    return { steps, losses };
  };

  // Reads the queued losses and yields them, then a 'diverged' event if one is not finite;
  // returns whether it did.
  async function* flush(): AsyncGenerator<RunnerEvent, boolean> {
    const read = await readLosses();
    if (!read) return false;
    yield { type: 'losses', ...read };
    for (let s = 0; s < k; s++) {
      const bad = read.losses[s]!.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        yield { type: 'diverged', step: read.steps[bad]!, loss: read.losses[s]![bad]!, series: task.series[s]! };
        return true;
      }
    }
    if (cfg.lossBound !== undefined) {
      const values = read.losses[0]!;
      for (let i = 0; i < values.length; i++) {
        if (Number.isNaN(smoothed)) bound = Math.max(cfg.lossBound, 3 * values[i]!);
        smoothed = Number.isNaN(smoothed) ? values[i]! : 0.7 * smoothed + 0.3 * values[i]!;
        if (smoothed > bound) {
          yield { type: 'diverged', step: read.steps[i]!, loss: smoothed, series: task.series[0]!, bound };
          return true;
        }
      }
    }
    return false;
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
      epochLossSum = 0;
      epochLossCount = 0;
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (control.isPaused) {
          if (yield* flush()) {
            state = 'diverged';
            break outer;
          }
          yield { type: 'paused', step };
          await control.waitWhilePaused();
          rateMark = { time: performance.now(), step };
          if (!control.isStopped) yield { type: 'resumed', step };
        }
        if (control.isStopped) {
          state = 'stopped';
          break outer;
        }
        const losses = task.step(rows, b * cfg.batchSize, Math.min(rows.length, (b + 1) * cfg.batchSize), step);
        step++;
        pending.push(...losses);
        pendingSteps.push(step);
        if (
          pendingSteps.length >= cfg.readEvery ||
          performance.now() - lastRead > readIntervalMs ||
          b === stepsPerEpoch - 1
        ) {
          if (yield* flush()) {
            state = 'diverged';
            break outer;
          }
        }
        await nextMacrotask();
        yield { type: 'batch', epoch, batch: b + 1, step, stepsPerEpoch, samplesPerSec: rate };
      }
      yield {
        type: 'epochEnd',
        epoch,
        step,
        trainLoss: epochLossCount ? epochLossSum / epochLossCount : NaN,
        seconds: (performance.now() - started) / 1000,
      };
    }
    if (yield* flush()) state = 'diverged';
  } finally {
    pending.forEach((t) => t.dispose());
  }
  return { state, steps: step };
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
