// Datasets as the UI sees them, and the choices that build one from a table or images.

export type BuiltinDatasetName = 'mnist' | 'iris';

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

export type DatasetPreview =
  | { kind: 'image'; height: number; width: number; channels: number; images: { pixels: Uint8Array; label: string }[] }
  | { kind: 'table'; columns: string[]; rows: string[][] };

/** Training samples before and after augmentation (the preview under the augmentation settings). */
export type AugmentPreview =
  | { kind: 'image'; height: number; width: number; channels: number; originals: Uint8Array[]; views: Uint8Array[] }
  | { kind: 'table'; columns: string[]; originals: string[][]; views: string[][] };
