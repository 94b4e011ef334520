// What the page, the settings and the worker know of a fine-tuning method (no tfjs here). The
// engine's side (its step) is its module in engine/train/methods, which carries this declaration.
import type { Declaration } from '../declared';
import type { AugmentSpec, OptimizerKind, ScheduleSpec } from '../types/trainingParts';

/** Settings a method would rather start from, where the user has not set them. */
export interface MethodUsual {
  /** Its optimizer (the kind: momentum and betas keep their defaults or the user's values). */
  optimizer?: OptimizerKind;
  learningRate?: number;
  schedule?: Partial<ScheduleSpec>;
  /** Optimizer steps a run takes by default (the epochs follow from the rows an epoch has). */
  steps?: number;
  /** Early stopping by default (false: the run keeps its last epoch unless the user turns it on). */
  earlyStopping?: boolean;
  /** Early stopping waits about this many steps without a better validation loss. */
  patienceSteps?: number;
  /** The labelled batch (at most, and at most the labelled rows). */
  batchSize?: number;
  /** The augmentation (its weak view) per kind of data, as the page shows it. */
  augmentation?: Partial<Record<'image' | 'table' | 'text', AugmentSpec>>;
}

/** What a fine-tuning epoch goes through: the labelled rows, or the unlabelled pool; in batches of what size. */
export interface EpochPlan {
  over: 'labelled' | 'pool';
  batchSize: number;
}

export interface MethodInfo<Id extends string = string, S = object> extends Declaration<Id, S> {
  /**
   * Its epoch, given the rows: by default the labelled rows in batches of the run's size. `pool`:
   * training rows outside the label budget and rows without a label.
   */
  epoch?(c: S & { labelled: number; pool: number; batchSize: number }): EpochPlan;
  /** A line under its fields: what it trains on (its settings, the batch, the data's kind). */
  hint?(c: S & { batchSize: number; kind: 'image' | 'table' | 'text' }): string;
  usual?: MethodUsual;
}

/** A method's epoch (its declaration's, or the labelled rows in batches of the run's size). */
export function epochPlan(
  info: MethodInfo<string, object>,
  settings: object,
  c: { labelled: number; pool: number; batchSize: number },
): EpochPlan {
  return info.epoch?.({ ...settings, ...c }) ?? { over: 'labelled', batchSize: c.batchSize };
}
