// What one pretraining objective brings to a run. Everything specific to an objective lives in its
// own module (autoencoder.ts, gan.ts, contrastive.ts, mlm.ts); pretrain() and the worker's
// pretraining body read them through the list in index.ts and never branch on the objective.
import type * as tf from '@tensorflow/tfjs';
import type { PretrainSnapshot } from '../../../shared/types/results';
import type { ObjectiveInfo, ObjectiveSettings, PretrainObjective } from '../../../shared/objectives';
import type { AugmentSpec, EncoderSpec, TextModelSpec } from '../../../shared/types/training';
import type { Dataset } from '../../data/dataset';
import type { DeviceLimits } from '../../memory';
import type { LabelBudgetSettings } from '../../probe/probe';
import type { SweepHooks } from '../../train/loop';
import type { RunnerConfig, RunnerEvent } from '../../train/runner';

export interface PretrainConfig extends RunnerConfig, Partial<LabelBudgetSettings>, SweepHooks {
  /** The objective and its own settings (each module reads its own with settingsOf). */
  objective: ObjectiveSettings;
  encoder: EncoderSpec;
  learningRate: number;
  /** Changes made to training batches (none when absent); contrastive: how its views differ. */
  augmentation?: AugmentSpec;
  /** Probe the encoder after every epoch when the dataset has labels (default true; see probe.ts). */
  probe?: boolean;
  /** MLM: the Transformer's settings (the defaults when absent). */
  text?: TextModelSpec;
}

/** The settings an objective's size check, kernels and measure read (no run under way yet). */
export type PlannedRun = Omit<PretrainConfig, 'readEvery'>;

export type EpochEnd = Extract<RunnerEvent, { type: 'epochEnd' }>;

/** What a run of the objective has, besides the encoder: the data and its shapes. */
export interface ObjectiveContext {
  ds: Dataset;
  cfg: PretrainConfig;
  encoder: tf.LayersModel;
  /** The encoder's input shape (without the batch). */
  shape: number[];
  /** The rows it trains on: every row but the test split. */
  rows: Int32Array;
  /** Rows its pictures and held-out figures are computed on (test, else val, else train). */
  shown: Int32Array;
  /** Sets the optimizers' rate for `step` when a learning-rate sweep drives the run. */
  rate(step: number, ...optimizers: tf.Optimizer[]): void;
}

/** The held-out figures of an epoch: its log's (NaN: none) and the loss the run reports at the end. */
export interface HeldOut {
  valLoss: number;
  valAccuracy: number;
  loss: number;
}

/** An objective's networks and optimizers for one run (the encoder excepted: pretrain() owns it). */
export interface ObjectiveSession {
  /** One update on rows[start, end) as the run's 0-based step: one loss scalar per series. */
  step(rows: Int32Array, start: number, end: number, step: number): tf.Scalar[];
  /** After each epoch, before its checkpoint. */
  heldOut(e: EpochEnd): Promise<HeldOut>;
  /** The epoch's pictures, after its checkpoint (the embedding is added by pretrain()). */
  pictures(e: EpochEnd): Promise<Omit<PretrainSnapshot, 'epoch' | 'embedding'>>;
  dispose(): void;
}

/** The encoder an objective trains, its input shape, and how a run of it starts. */
export interface ObjectiveEncoder {
  encoder: tf.LayersModel;
  shape: number[];
  start(ctx: ObjectiveContext): ObjectiveSession;
}

/** Refuses a setting before a run starts: the field as the page names it, and what works. */
export type Refuse = (field: string, why: string) => never;

export interface PretrainMethod {
  /** What the page and the settings know of it: its id, label, fields (checked before a run), usual settings. */
  info: ObjectiveInfo<PretrainObjective, object>;
  /** What else it needs of the run's settings (its own fields are checked from `info`). */
  validate?(cfg: PlannedRun, refuse: Refuse): void;
  /** Loss series, one scalar per step each (the runner's and the loss chart's). */
  series: string[];
  /** Builds the encoder it trains (the run's `encoder` settings, or its own, e.g. the Transformer). */
  build(ds: Dataset, cfg: PretrainConfig): ObjectiveEncoder;
  /** Throws TooBigError before the first step when the networks a run holds exceed `limits`. */
  checkSize(ds: Dataset, cfg: PlannedRun, limits: DeviceLimits): void;
  /** Kernels its training needs beyond a dense network's (a backend without them is passed over). */
  kernels(cfg: PlannedRun): string[];
  /** Samples per second of its training step here (sizes how often progress is read). */
  measure(ds: Dataset, cfg: PlannedRun): Promise<number>;
  /**
   * The encoder its checkpoints say they hold, when it differs from the settings' (fine-tuning
   * rebuilds the network from it): e.g. the Transformer for MLM.
   */
  savedEncoder?(encoder: EncoderSpec): EncoderSpec;
}

/** An epoch's held-out figures with none measured but the training loss. */
export const trainLossOnly = (e: EpochEnd): HeldOut => ({ valLoss: NaN, valAccuracy: NaN, loss: e.trainLoss });
