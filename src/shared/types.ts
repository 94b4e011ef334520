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

export type Task = 'classification' | 'regression' | 'none';

export interface DatasetSummary {
  name: string;
  description: string;
  kind: 'image' | 'table';
  source: 'builtin' | 'upload';
  task: Task;
  rows: number;
  features: number;
  /** [height, width, channels] for images, [features] for tables. */
  inputShape: number[];
  /** Empty for regression and unlabeled data. */
  classNames: string[];
  /** Rows per class over the whole dataset (class balance). */
  classCounts: number[];
  split: { train: number; val: number; test: number };
  /** A few samples for the data panel: images as uint8 grayscale/RGB, or table rows. */
  preview: DatasetPreview;
  /** For uploaded tables: the columns as read, and the choices that built the dataset. */
  table?: TableSummary;
  /** For uploaded images: files that could not be decoded (skipped). */
  skippedFiles?: string[];
  imageOptions?: ImageOptions;
}

export type ColumnKind = 'numeric' | 'categorical' | 'text' | 'identifier' | 'constant' | 'empty';
export type ColumnRole = 'feature' | 'label' | 'ignore';

export interface ColumnSummary {
  name: string;
  kind: ColumnKind;
  role: ColumnRole;
  missing: number;
  /** Distinct non-missing values (a lower bound when `manyDistinct`). */
  distinct: number;
  manyDistinct: boolean;
  /** Numeric columns: range and a 12-bin histogram. */
  min?: number;
  max?: number;
  mean?: number;
  histogram?: number[];
  /** Categorical columns: the most frequent values. */
  top?: { value: string; count: number }[];
}

export interface TableOptions {
  /** Label column name; "" for none (unlabeled data, for pretraining). */
  label: string;
  task: 'auto' | 'classification' | 'regression';
  /** Per-column overrides of the inferred role. */
  roles: Record<string, ColumnRole>;
  missing: 'impute' | 'drop';
  valFraction: number;
  testFraction: number;
  seed: number;
  maxCategories: number;
  /** Skip rows whose field count differs from the header's (otherwise such rows are an error). */
  skipMalformed: boolean;
}

export const DEFAULT_TABLE_OPTIONS: TableOptions = {
  label: '',
  task: 'auto',
  roles: {},
  missing: 'impute',
  valFraction: 0.15,
  testFraction: 0.15,
  seed: 42,
  maxCategories: 20,
  skipMalformed: false,
};

export interface TableSummary {
  fileName: string;
  bytes: number;
  delimiter: string;
  columns: ColumnSummary[];
  options: TableOptions;
  /** Rows read from the file, rows left out (missing values with "drop", or missing label), malformed rows skipped. */
  rowsRead: number;
  rowsDropped: number;
  malformedSkipped: number;
  inputNames: string[];
}

export interface ImageOptions {
  size: 28 | 32 | 64;
  color: 'grayscale' | 'rgb';
}

export const DEFAULT_IMAGE_OPTIONS: ImageOptions = { size: 28, color: 'grayscale' };

export type DatasetPreview =
  | { kind: 'image'; height: number; width: number; channels: number; images: { pixels: Uint8Array; label: string }[] }
  | { kind: 'table'; columns: string[]; rows: string[][] };

export type Stage = 'pretrain' | 'finetune';
export type PretrainObjective = 'autoencoder' | 'denoising' | 'gan';

/**
 * The encoder that pretraining learns and fine-tuning starts from. Dense: units per layer (the
 * last is the bottleneck). Conv: filters per Conv2D + MaxPool block (images only).
 */
export interface EncoderSpec {
  kind: 'dense' | 'conv';
  widths: number[];
}

export interface NoiseSpec {
  /** mask: zero a fraction of the inputs; gaussian: add noise of this standard deviation. */
  kind: 'mask' | 'gaussian';
  level: number;
}

export type OptimizerKind = 'sgd' | 'momentum' | 'adam';

/** Fine-tuning's optimizer. Pretraining always uses Adam (beta1 0.5 for GANs). */
export interface OptimizerSpec {
  kind: OptimizerKind;
  /** SGD with momentum. */
  momentum: number;
  /** Adam. */
  beta1: number;
  beta2: number;
}

/** Learning rate over the run: constant, step decay or cosine, after an optional linear warm-up. */
export interface ScheduleSpec {
  kind: 'constant' | 'step' | 'cosine';
  /** Epochs of linear warm-up from 0 to the rate (may be fractional; 0: none). */
  warmupEpochs: number;
  /** Step decay: multiply by `stepFactor` every `stepEvery` epochs. */
  stepEvery: number;
  stepFactor: number;
  /** Cosine: the rate falls to this fraction of itself at the last step. */
  minFactor: number;
}

/**
 * Freezing: the encoder's layers do not train for the first `headEpochs` epochs (0: no freezing);
 * then all of them (or the last `lastK` with weights) train at the rate times `lrFactor`.
 */
export interface FreezeSpec {
  headEpochs: number;
  unfreeze: 'all' | 'last';
  lastK: number;
  lrFactor: number;
}

/** The task head: hidden Dense(relu) layers, dropout before the output, then the output layer. */
export interface HeadSpec {
  hidden: number[];
  dropout: number;
}

export interface EarlyStoppingSpec {
  enabled: boolean;
  /** Epochs without a lower validation loss before stopping; the best weights are restored. */
  patience: number;
}

export type LabelBudget = 'all' | 'fraction' | 'perClass';

export interface TrainConfig {
  stage: Stage;
  model: ModelKind;
  epochs: number;
  batchSize: number;
  learningRate: number;
  backend: BackendChoice;
  seed: number;
  /** Fine-tuning: which labels train: all, a fraction of each class, or N per class. */
  labelBudget: LabelBudget;
  labelFraction: number;
  /** Training rows per class when `labelBudget` is perClass. */
  labelsPerClass: number;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
  freeze: FreezeSpec;
  head: HeadSpec;
  earlyStopping: EarlyStoppingSpec;
  /** Fine-tuning: "scratch", or the id of a pretrained encoder. */
  initFrom: string;
  objective: PretrainObjective;
  encoder: EncoderSpec;
  noise: NoiseSpec;
  /** GAN: size of the generator's random input. */
  latentSize: number;
  /** Save a checkpoint every this many epochs (and at the end). */
  checkpointEvery: number;
  /** Keep this many of a run's latest checkpoints (plus its best and its final one). */
  keepLast: number;
}

export const DEFAULT_CONFIG: TrainConfig = {
  stage: 'finetune',
  model: 'mlp',
  epochs: 5,
  batchSize: 32,
  learningRate: 0.001,
  backend: 'webgpu',
  seed: 1,
  labelBudget: 'all',
  labelFraction: 0.1,
  labelsPerClass: 100,
  optimizer: { kind: 'adam', momentum: 0.9, beta1: 0.9, beta2: 0.999 },
  schedule: { kind: 'constant', warmupEpochs: 0, stepEvery: 10, stepFactor: 0.5, minFactor: 0 },
  freeze: { headEpochs: 0, unfreeze: 'all', lastK: 1, lrFactor: 0.1 },
  head: { hidden: [], dropout: 0.5 },
  earlyStopping: { enabled: false, patience: 3 },
  initFrom: 'scratch',
  objective: 'autoencoder',
  encoder: { kind: 'dense', widths: [128] },
  noise: { kind: 'mask', level: 0.3 },
  latentSize: 32,
  checkpointEvery: 1,
  keepLast: 3,
};

/** What pretraining shows after each epoch. */
export interface PretrainSnapshot {
  epoch: number;
  /** Images: inputs beside reconstructions, or GAN samples from a fixed noise vector. */
  images?: {
    kind: 'reconstruction' | 'samples';
    height: number;
    width: number;
    channels: number;
    inputs: Uint8Array[];
    outputs: Uint8Array[];
  };
  /** Tables: mean squared reconstruction error per original column (standardized units). */
  columnErrors?: { column: string; mse: number }[];
  /** The encoder's outputs of a sample of rows, projected to 2-D by PCA. */
  embedding?: { x: number[]; y: number[]; labels: number[] | null; classNames: string[]; explained: number[] };
}

export interface EpochLog {
  epoch: number;
  /** Global step at the end of this epoch, to place it on the batch axis. */
  step: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
  /** Fine-tuning: the learning rate at the epoch's last step. */
  learningRate?: number;
}

/** One layer of the network being trained, for the layer list (which ones train right now). */
export interface LayerInfo {
  name: string;
  className: string;
  params: number;
  trainable: boolean;
  part: 'encoder' | 'head';
}

/** A most confidently wrong test example. */
export interface WrongExample {
  row: number;
  actual: string;
  predicted: string;
  confidence: number;
  image?: { height: number; width: number; channels: number; pixels: Uint8Array };
  values?: { column: string; value: string }[];
}

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export type Evaluation =
  | {
      task: 'classification';
      split: 'test';
      samples: number;
      loss: number;
      accuracy: number;
      macroF1: number;
      weightedF1: number;
      perClass: ClassMetrics[];
      /** confusion[actual][predicted] */
      confusion: number[][];
      classNames: string[];
      wrong: WrongExample[];
      /** What was evaluated when not the run just finished (a checkpoint, on demand). */
      title?: string;
    }
  | {
      task: 'regression';
      split: 'test';
      samples: number;
      loss: number;
      /** In the label's own units (standardization undone). */
      mse: number;
      mae: number;
      r2: number;
      /** Up to 500 test rows, label units, for the predicted-versus-actual plot. */
      scatter: { actual: number[]; predicted: number[] };
      title?: string;
    };

/** A run as the run list and the compare view show it (kept in IndexedDB). */
export interface RunSummary {
  runKey: string;
  title: string;
  stage: Stage;
  status: 'running' | 'done' | 'stopped' | 'error' | 'interrupted';
  config: TrainConfig;
  datasetName: string;
  /** Where fine-tuning started: "scratch", or the checkpoint's description. */
  from: string;
  /** Training rows used (after the label budget). */
  trainRows: number;
  epochs: EpochLog[];
  /** Metrics on the test split, without the example lists. */
  metrics: { accuracy?: number; macroF1?: number; weightedF1?: number; r2?: number; mse?: number; mae?: number } | null;
  startedAt: number;
  updatedAt: number;
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
  /** Fine-tuning: the learning rate of the last step. */
  learningRate?: number;
}

/** A checkpoint as listed (its weights and history stay in IndexedDB). */
export interface CheckpointInfo {
  id: string;
  /** The run it belongs to (stable across reloads). */
  runKey: string;
  runTitle: string;
  /** Shown name; the user may rename it. */
  name: string;
  stage: Stage;
  epoch: number;
  totalEpochs: number;
  step: number;
  /** Why it is kept: the latest epochs, the best by validation loss, the end of the run. */
  tags: ('latest' | 'best' | 'final')[];
  valLoss: number;
  valAccuracy: number;
  bytes: number;
  createdAt: number;
  datasetName: string;
  /** Shape and preprocessing of the inputs (see engine/pretrain/encoders.ts inputSignature). */
  inputSignature: string;
  inputShape: number[];
  classNames: string[];
  config: TrainConfig;
  /** Set for a model brought in with "Import model" (it has no run in this browser). */
  origin?: 'import';
  /** Imported models: the file it came from and its layers. */
  importedFrom?: string;
  layers?: string[];
  /** Metrics the imported model's preprocessing.json reported. */
  metrics?: Record<string, number>;
}

/** A model the studio can run, download or train further: the last run's, or a checkpoint's. */
export interface ModelCard {
  /** "current" (the last run of this session) or a checkpoint id. */
  source: string;
  name: string;
  datasetName: string;
  stage: Stage;
  kind: 'table' | 'image';
  task: Task;
  /** Tables: the raw columns one row needs, in order. */
  columns: string[];
  image: { height: number; width: number; channels: number } | null;
  classNames: string[];
  /** One line per layer, input first. */
  layers: string[];
  params: number;
  /** Metrics of its run (validation, and test when known). */
  metrics: Record<string, number>;
}

/** What the inference panel sends: a typed or pasted table row, or an image (drawn or dropped). */
export type InferenceInput = { kind: 'row'; text: string } | { kind: 'image'; image: Blob };

export interface Prediction {
  source: string;
  task: Task;
  classNames: string[];
  /** Classification: one probability per class. */
  probabilities: number[];
  classIndex: number;
  /** Regression: the predicted value in the label's units. */
  value: number | null;
}

/** Memory of the worker's tfjs engine: tensors alive, their bytes, and the GPU's share (webgpu/webgl). */
export interface MemoryInfo {
  tensors: number;
  bytes: number;
  /** Bytes held on the GPU (webgpu, webgl); absent on wasm/cpu. */
  gpuBytes?: number;
  backend: string;
}

/**
 * Something that stopped a run: a diverging loss (the run is paused), a lost GPU device or an
 * out-of-memory error (the run stops), or a model/batch too big for the backend (refused).
 */
export interface RunFault {
  kind: 'diverged' | 'device-lost' | 'out-of-memory' | 'too-big';
  message: string;
  /** The last good checkpoint of the run to resume from (fine-tuning), or null. */
  checkpointId: string | null;
  checkpointEpoch: number | null;
  /** Diverged: the learning rate a recovery uses (the run's divided by 10). */
  learningRate?: number;
}

/**
 * A stored config (a checkpoint's, a run's) with the settings newer versions added filled in.
 * Older versions had only `labelsPerClass` (0: all labels).
 */
export function completeConfig(stored: Partial<TrainConfig>): TrainConfig {
  const config = { ...DEFAULT_CONFIG, ...stored };
  if (stored.labelBudget === undefined) config.labelBudget = (stored.labelsPerClass ?? 0) > 0 ? 'perClass' : 'all';
  return config;
}
