// Types shared by the UI, the worker and the engine. The UI never imports tfjs; these are plain data.

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendChoice = 'auto' | BackendName;

export type BuiltinDatasetName = 'mnist' | 'iris';
export type ModelKind = 'mlp' | 'cnn';
export type RunState = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'stopped' | 'error';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** One backend's outcome while choosing where to train. */
export interface BackendProbe {
  backend: BackendName;
  /** Samples per second measured on a few real steps (auto only). */
  samplesPerSec?: number;
  /** Why this backend could not be used, when it could not. */
  error?: string;
}

export interface BackendInfo {
  requested: BackendChoice;
  active: BackendName;
  /** Human sentence: why `active` runs (fallback reason, software adapter, auto's measurement). */
  reason: string;
  /** Set when something the user should know went wrong (a fallback happened). */
  fellBack: boolean;
  adapter?: AdapterInfo;
  probes: BackendProbe[];
}

export interface DatasetSummary {
  name: string;
  description: string;
  kind: 'image' | 'table';
  rows: number;
  features: number;
  /** [height, width, channels] for images, [features] for tables. */
  inputShape: number[];
  classNames: string[];
  split: { train: number; val: number; test: number };
  /** A few samples for the data panel: images as uint8 grayscale/RGB, or table rows. */
  preview: DatasetPreview;
}

export type DatasetPreview =
  | { kind: 'image'; height: number; width: number; channels: number; images: { pixels: Uint8Array; label: string }[] }
  | { kind: 'table'; columns: string[]; rows: string[][] };

export interface TrainConfig {
  model: ModelKind;
  epochs: number;
  batchSize: number;
  learningRate: number;
  backend: BackendChoice;
  seed: number;
}

export const DEFAULT_CONFIG: TrainConfig = {
  model: 'mlp',
  epochs: 5,
  batchSize: 32,
  learningRate: 0.001,
  backend: 'webgpu',
  seed: 1,
};

export interface EpochLog {
  epoch: number;
  /** Global step at the end of this epoch, to place it on the batch axis. */
  step: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
}

export interface Evaluation {
  split: 'test';
  samples: number;
  loss: number;
  accuracy: number;
  macroF1: number;
  /** confusion[actual][predicted] */
  confusion: number[][];
  classNames: string[];
}

export interface ProgressSnapshot {
  epoch: number; // 1-based epoch in progress
  batch: number; // batches done in this epoch
  step: number; // batches done in the run
  stepsPerEpoch: number;
  totalEpochs: number;
  samplesPerSec: number;
  etaSeconds: number;
  /** tf.memory() in the worker: tensors alive and their bytes. */
  tensors: number;
  bytes: number;
}
