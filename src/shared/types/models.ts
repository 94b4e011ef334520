// Checkpoints and models: what is listed, described and run for inference.
import type { DataKind, Task } from './datasets';
import type { Stage, TrainConfig } from './training';

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
  /**
   * Why it is kept: the latest epochs, the best by validation loss, the end of the run, the best
   * by linear-probe accuracy (pretraining with labels).
   */
  tags: ('latest' | 'best' | 'final' | 'bestProbe')[];
  valLoss: number;
  valAccuracy: number;
  /** Pretraining with labels: the linear probe's validation accuracy of this encoder. */
  probeAccuracy?: number;
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
  kind: DataKind;
  task: Task;
  /** Tables: the raw columns one row needs, in order; text: the text column. */
  columns: string[];
  image: { height: number; width: number; channels: number } | null;
  classNames: string[];
  /** One line per layer, input first. */
  layers: string[];
  params: number;
  /** Metrics of its run (validation, and test when known). */
  metrics: Record<string, number>;
}

/** What the inference panel sends: a typed or pasted table row or text, or an image (drawn or dropped). */
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
