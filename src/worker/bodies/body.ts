// What differs between kinds of run (pretraining, fine-tuning, a future objective): the body.
// Everything else (backend, checkpoints, events, faults, the outcome) is the Run's (../run.ts).
import type * as tf from '@tensorflow/tfjs';
import type { DeviceLimits } from '../../engine/memory';
import type { PretrainEvent } from '../../engine/pretrain/pretrain';
import type { RunControl } from '../../engine/train/control';
import type { TrainEvent } from '../../engine/train/loop';
import type { RunnerResult } from '../../engine/train/runner';
import type { RunCheckpointer, RunHistory } from '../checkpointing';

export type EngineEvent = TrainEvent | PretrainEvent;

/** What a run is, known before a backend is chosen. */
export interface RunPlan {
  title: string;
  /** Where fine-tuning starts ("scratch", a checkpoint's description); "" for pretraining. */
  from: string;
  /** The loss series the run reports (["loss"], or ["discriminator", "generator"]). */
  series: string[];
  /** Training rows with labels (fine-tuning), or rows (pretraining). */
  trainRows: number;
  /** Steps an epoch takes, where it is not the training rows in batches (semi-supervised: the unlabelled pool's). */
  stepsPerEpoch?: number;
  /** Kernels the network needs for training (see TRAINING_KERNELS). */
  requiredKernels: string[];
  /** Samples per second of a few real steps on the active backend (for `auto`). */
  measure(): Promise<number>;
  /** The curve so far, when the run goes on from a checkpoint. */
  history?: RunHistory;
  /** The learning rate of a step, shown with the progress (fine-tuning). */
  rateAt?(step: number, stepsPerEpoch: number): number;
}

export interface TrainContext {
  control: RunControl;
  /** Saves after each epoch (a learning-rate sweep saves nothing). */
  checkpointer: Pick<RunCheckpointer, 'afterEpoch'>;
  /** Read the queued losses after this many batches. */
  readEvery: number;
  /** What the backend can hold, checked before the first step (null: unknown). */
  limits: DeviceLimits | null;
}

export interface RunBody {
  /** Checks what the run starts from, loads it, and says what the run is. */
  plan(): Promise<RunPlan>;
  /** On the chosen backend: builds the network, checks that it fits, trains, yielding the engine's events. */
  train(ctx: TrainContext): AsyncGenerator<EngineEvent, RunnerResult>;
  /** The network the run leaves to be evaluated and used (fine-tuning), or null. */
  readonly model: tf.LayersModel | null;
}
