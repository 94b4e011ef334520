// Datasets as the UI sees them, and the choices that build one from a table or images.

export type BuiltinDatasetName = 'mnist' | 'iris' | 'spam';

export type Task = 'classification' | 'regression' | 'none';

export interface DatasetSummary {
  name: string;
  description: string;
  kind: DataKind;
  source: 'builtin' | 'upload';
  task: Task;
  rows: number;
  features: number;
  /** [height, width, channels] for images, [features] for tables, [maxLength] for text. */
  inputShape: number[];
  /** Empty for regression and unlabeled data. */
  classNames: string[];
  /** Rows per class over the whole dataset (class balance). */
  classCounts: number[];
  /** Rows per class in the training split (what a label budget draws from). */
  trainClassCounts?: number[];
  /** Shape and preprocessing of the inputs: a checkpoint with the same signature fits this data. */
  inputSignature?: string;
  split: { train: number; val: number; test: number };
  /** Rows without a label, outside every split (pretraining and semi-supervised fine-tuning read them). */
  unlabeled?: number;
  /** A few samples for the data panel: images as uint8 grayscale/RGB, or table rows. */
  preview: DatasetPreview;
  /** For uploaded tables: the columns as read, and the choices that built the dataset. */
  table?: TableSummary;
  /** For uploaded images: files that could not be decoded (skipped). */
  skippedFiles?: string[];
  imageOptions?: ImageOptions;
  /** Text inputs: the tokenizer learned from the training split and what it made of the texts. */
  text?: TextSummary;
}

/** What the model reads: pictures, table rows, or one text per sample (tokens). */
export type DataKind = 'image' | 'table' | 'text';

export interface TextSummary {
  column: string;
  vocabSize: number;
  maxLength: number;
  lowercase: boolean;
  /** Texts cut at `maxLength` tokens, and the mean tokens per text after cutting ([CLS] included). */
  truncated: number;
  meanTokens: number;
  /** Texts in the dataset (every split). */
  texts: number;
  /** The length was fitted to the training texts (not set by the user). */
  autoLength: boolean;
  /** Tokens ([CLS] included) that 99% of the training texts fit in, uncut. */
  p99Tokens: number;
  /** Time the tokenizer took to learn its vocabulary, in milliseconds. */
  tokenizerMs: number;
}

/** How texts become tokens: learned in the worker from the training split only. */
export interface TextOptions {
  /** Vocabulary size, special tokens included. */
  vocabSize: number;
  /** Tokens per text, [CLS] included; longer texts are cut. Ignored while `autoLength` is on. */
  maxLength: number;
  /**
   * Fit the length to the training texts (see fitTextLength). Absent in options stored by earlier
   * versions, whose `maxLength` then stands.
   */
  autoLength?: boolean;
  lowercase: boolean;
}

export type ColumnKind = 'numeric' | 'categorical' | 'text' | 'identifier' | 'constant' | 'empty';

/** `text`: the column is the model's input, read as tokens (then other feature columns are not used). */
export type ColumnRole = 'feature' | 'label' | 'ignore' | 'text';

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
  /** The tokenizer of a text column (role `text`). */
  text: TextOptions;
}

export interface TableSummary {
  fileName: string;
  bytes: number;
  delimiter: string;
  columns: ColumnSummary[];
  options: TableOptions;
  /**
   * Rows read from the file, rows left out (missing feature values with "drop"), malformed rows
   * skipped. Rows whose label is missing are kept as unlabeled rows (`rowsUnlabeled`, absent when
   * none or in tables saved by earlier versions, which left them out).
   */
  rowsRead: number;
  rowsDropped: number;
  rowsUnlabeled?: number;
  malformedSkipped: number;
  inputNames: string[];
}

export interface ImageOptions {
  size: 28 | 32 | 64;
  color: 'grayscale' | 'rgb';
}

export type DatasetPreview =
  | { kind: 'image'; height: number; width: number; channels: number; images: { pixels: Uint8Array; label: string }[] }
  | { kind: 'table'; columns: string[]; rows: string[][] }
  | { kind: 'text'; texts: { text: string; tokens: string[]; label: string }[] };

/** Training samples before and after augmentation (the preview under the augmentation settings). */
export type AugmentPreview =
  | { kind: 'image'; height: number; width: number; channels: number; originals: Uint8Array[]; views: Uint8Array[] }
  | { kind: 'table'; columns: string[]; originals: string[][]; views: string[][] };
