// What a run reports while and after it trains: progress, epochs, snapshots, evaluations, the run list.
import type { Stage, TrainConfig } from './training';

export type RunState = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'stopped' | 'error';

/** What pretraining shows after each epoch. */
export interface PretrainSnapshot {
  epoch: number;
  /**
   * Images: inputs beside reconstructions, GAN samples from a fixed noise vector, or (contrastive)
   * two augmented views of each input.
   */
  images?: {
    kind: 'reconstruction' | 'samples' | 'views';
    height: number;
    width: number;
    channels: number;
    inputs: Uint8Array[];
    outputs: Uint8Array[];
  };
  /** Tables: mean squared reconstruction error per original column (standardized units). */
  columnErrors?: { column: string; mse: number }[];
  /**
   * Masked language modeling: held-out texts with some tokens masked, and the model's fill for
   * each (its best guesses with their probabilities), the same texts and positions every epoch.
   */
  fills?: MaskedText[];
  /** Masked language modeling: held-out loss per masked token, as perplexity (exp of it). */
  perplexity?: number;
  /** Masked language modeling: share of the held-out masked tokens whose best guess is right. */
  maskedAccuracy?: number;
  /** The encoder's outputs of a sample of rows, projected to 2-D by PCA. */
  embedding?: { x: number[]; y: number[]; labels: number[] | null; classNames: string[]; explained: number[] };
}

/** A held-out text as the MLM picture shows it: its tokens, some masked, and the model's fills. */
export interface MaskedText {
  /** The text's tokens (from the tokenizer; "▁" starts a word). */
  tokens: string[];
  masked: {
    /** Index into `tokens`. */
    position: number;
    original: string;
    /** The model's best guesses, most probable first. */
    guesses: { token: string; probability: number }[];
  }[];
}

/** One step of a learning-rate sweep: its rate, its batch loss and the smoothed loss. */
export interface LrPoint {
  rate: number;
  loss: number;
  smoothed: number;
}

/** A learning-rate sweep's curve and the rate it suggests (null: the loss never fell). */
export interface LrFinding {
  points: LrPoint[];
  suggestion: number | null;
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
  /** Pretraining with labels: how useful the frozen encoder's features are after this epoch. */
  probe?: ProbeScores;
  /**
   * Semi-supervised fine-tuning: the share of the epoch's unlabelled rows whose pseudo-label passed
   * the threshold, and the share of those that match a held-back label (null: none had one).
   */
  pseudoLabels?: { maskRate: number; accuracy: number | null };
}

/**
 * Probes of a frozen encoder (engine/probe/probe.ts): classifiers fitted on its outputs of the
 * label-budgeted training rows, scored on the validation split (never the test split).
 */
export interface ProbeScores {
  /** Validation accuracy of softmax regression on the (centred, scaled) encoder outputs. */
  linear: number;
  /** Validation accuracy of a k-nearest-neighbour vote (cosine similarity of the centred outputs). */
  knn: number;
  k: number;
  /** Rows the probes used (capped, see PROBE_LIMITS). */
  trainRows: number;
  valRows: number;
  /** Wall time of the probe (encoding and both classifiers), to set beside the epoch's seconds. */
  seconds: number;
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
  /** Text inputs: the text as the model read it (normalized, cut at the maximum length). */
  text?: string;
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
      /** The model evaluated ("current", or a checkpoint id): what explains its examples. */
      source?: string;
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
      source?: string;
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
