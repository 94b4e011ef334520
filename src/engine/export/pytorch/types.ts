// What the PyTorch project is made from: the network as saved, the run it continues, and the
// studio's rows (split, check rows, encoded data) when the model's dataset is loaded.
import type { FreezeSpec, OptimizerSpec, ScheduleSpec } from '../../../shared/types/training';

export interface TorchRunSpec {
  modelName: string;
  datasetName: string;
  task: 'classification' | 'regression';
  /** Epochs the studio ran (the checkpoint's epoch). */
  epochsDone: number;
  /** The run's planned total; train.py continues with the remaining ones (at least 1) by default. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
  freeze: FreezeSpec;
}

/** Present when the dataset the model was trained on is loaded in the studio. */
export interface StudioRows {
  /** Dataset row indices: the k-th row data.py yields. */
  split: { train: number[]; val: number[]; test: number[] };
  /** Up to 16 held-out rows: the studio's encoded inputs (flat, NHWC for images) and its model's outputs. */
  check: { rows: number[]; inputs: number[][]; outputs: number[][] };
  /** The whole encoded dataset, when small enough to ship (x flat, rows × prod(shape)). */
  encoded?: { x: Float32Array; shape: number[]; y: Int32Array | Float32Array | null };
}

export interface StudioNetwork {
  modelTopology: object;
  weightSpecs: readonly { name: string; shape: number[]; dtype: string }[];
  weightData: ArrayBuffer;
}
