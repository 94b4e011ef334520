// What one fine-tuning method brings to a run: its step and its loss series, and where it needs
// them, what an epoch goes through and figures of its own. The frame around it (label budget,
// freezing phases, the rate schedule, validation, early stopping, checkpoints) is trainWithLabels's
// in loop.ts, the same for every method.
import type * as tf from '@tensorflow/tfjs';
import type { FinetuneMethod, MethodInfo, MethodSettings } from '../../../shared/methods';
import type { EpochLog } from '../../../shared/types/results';
import type { AugmentSpec } from '../../../shared/types/training';
import type { Dataset } from '../../data/dataset';
import type { StepTask } from '../runner';

export interface MethodRunConfig {
  seed: number;
  augmentation?: AugmentSpec;
  method: MethodSettings;
}

/** What a method's step reads of the run. */
export interface StepContext {
  model: tf.LayersModel;
  ds: Dataset;
  cfg: MethodRunConfig;
  /** The label budget's rows (the training rows whose labels it may read). */
  labelled: Int32Array;
  /** The run's batch of labelled rows. */
  batchSize: number;
  /** The current freezing phase's optimizer and the variables it trains. */
  phase: { readonly optimizer: tf.Optimizer | null; readonly vars: tf.Variable[] };
  /** The learning rate of 0-based `step` (the schedule's, or a rate sweep's). */
  rate(step: number): number;
}

export interface FinetuneMethodModule {
  /** What the page and the settings know of it: its id, label and fields (checked before a run). */
  info: MethodInfo<FinetuneMethod, object>;
  /** Loss series, one scalar per step each; the first is the one validation and divergence read. */
  series: string[];
  /**
   * Figures its step returns after the losses (one scalar each per step): not plotted as losses,
   * summed over each epoch and turned into the epoch log's own part by `epochFigures`.
   */
  figures?: string[];
  epochFigures?(sums: number[]): Partial<EpochLog>;
  /** Why it cannot run on this data (null: it can), before anything is built. */
  validate?(ds: Dataset, pool: Int32Array): string | null;
  /** One optimizer step on rows[start, end) of the epoch's rows (plan), as the run's 0-based step. */
  step(ctx: StepContext): StepTask['step'];
}
