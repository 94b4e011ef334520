// The label-efficiency sweep: fine-tuning runs for label budgets x {scratch, an encoder} x seeds.
import type { AutoFit } from '../settings/fewLabels';
import type { TrainConfig } from './training';

/** Labels per class (rows, for regression), or every training label. */
export type SweepBudget = number | 'all';

/** Supervised from scratch or the encoder; semi-supervised (FixMatch) from either. */
export type SweepArm = 'scratch' | 'pretrained' | 'semi-scratch' | 'semi-pretrained';

/** What the user asks for. */
export interface SweepSettings {
  budgets: SweepBudget[];
  /** Seeds per (budget, arm): the base config's seed, seed + 1, … */
  seeds: number;
  /** The pretrained encoder checkpoint to compare with scratch; null: the scratch arm only. */
  encoderId: string | null;
  /** Also the semi-supervised arms (from scratch, and from the encoder when there is one). */
  semiSupervised?: boolean;
  /**
   * The fine-tuning settings that follow each run's labelled rows and start (batch, epochs, early
   * stopping, the head-only phase, augmentation): those the user did not set. Absent in sweeps of
   * earlier versions, whose runs all took the base settings.
   */
  fit?: AutoFit;
}

/** One run of the plan (its fine-tuning settings are derived from the base config, see planSweep). */
export interface SweepRunSpec {
  index: number;
  budget: SweepBudget;
  arm: SweepArm;
  seed: number;
}

/** A finished run of the sweep. */
export interface SweepResult extends SweepRunSpec {
  /** Test accuracy (classification) or R² (regression); null when the run failed. */
  metric: number | null;
  /** Training rows the budget gave, and labels per class (rows for regression): the x axis. */
  trainRows: number;
  x: number;
  seconds: number;
  /** Its entry in the run list. */
  runKey: string;
  state: 'done' | 'error';
  message?: string;
}

export type SweepState = 'running' | 'done' | 'stopped' | 'error';

/** The sweep as the worker keeps it (IndexedDB) and the page shows it. */
export interface SweepStatus {
  id: string;
  state: SweepState;
  message?: string;
  settings: SweepSettings;
  /** The settings every run starts from (budget, seed and start point replaced per run). */
  base: TrainConfig;
  datasetName: string;
  task: 'classification' | 'regression';
  metric: 'accuracy' | 'r2';
  /** The compared encoder, in words (null: scratch only). */
  encoderName: string | null;
  plan: SweepRunSpec[];
  results: SweepResult[];
  /** The run in progress: its plan index and run key (kept so a reload reruns it under the same key). */
  current: { index: number; runKey: string; startedAt: number } | null;
  /** Run keys given to plan entries, so a rerun after a reload replaces its interrupted record. */
  runKeys: Record<number, string>;
  /** Estimated seconds left (mean run time × runs left), null until a run has finished. */
  etaSeconds: number | null;
  startedAt: number;
  updatedAt: number;
}

/** One plotted point: an arm at a budget, over its seeds. */
export interface SweepPoint {
  budget: SweepBudget;
  arm: SweepArm;
  x: number;
  mean: number;
  min: number;
  max: number;
  runs: number;
}

/** One row of the table: the arms at a budget and pretrained − scratch (means, supervised). */
export interface SweepRow {
  budget: SweepBudget;
  x: number;
  scratch: SweepPoint | null;
  pretrained: SweepPoint | null;
  diff: number | null;
  semiScratch: SweepPoint | null;
  semiPretrained: SweepPoint | null;
}
