import type { Preprocessing } from '../../shared/preprocessing';
import type {
  DataKind,
  DatasetPreview,
  DatasetSummary,
  ImageOptions,
  TableSummary,
  Task,
  TextSummary,
} from '../../shared/types/datasets';
import { signatureOf } from './signature';

/**
 * A labelled dataset in typed arrays: one row per sample, `features` values per row.
 * Pixels stay uint8 (scaled by `xScale` when a batch is built); table features are float32,
 * already preprocessed; texts are token ids (float32, exact below 2^24), [CLS] first, [PAD] = 0.
 */
export interface Dataset {
  name: string;
  description: string;
  kind: DataKind;
  source: 'builtin' | 'upload';
  task: Task;
  rows: number;
  /** Shape of one sample: [height, width, channels] or [features]. */
  inputShape: number[];
  features: number;
  x: Uint8Array | Float32Array;
  xScale: number;
  /** Class index per row (classification), standardized target (regression), or none. */
  y: Int32Array | Float32Array | null;
  classNames: string[];
  split: { train: Int32Array; val: Int32Array; test: Int32Array };
  /**
   * Rows that have no label (pictures outside the class folders, a table's empty label cells, loose
   * texts beside class folders), outside every split: pretraining and semi-supervised fine-tuning
   * read them, nothing reads their `y` (-1 for classification, NaN for regression).
   */
  unlabeled?: Int32Array;
  preview: DatasetPreview;
  preprocessing: Preprocessing;
  table?: TableSummary;
  skippedFiles?: string[];
  imageOptions?: ImageOptions;
  text?: TextSummary;
}

export function summarize(ds: Dataset): DatasetSummary {
  return {
    name: ds.name,
    description: ds.description,
    kind: ds.kind,
    source: ds.source,
    task: ds.task,
    classCounts:
      ds.task === 'classification'
        ? classCounts(
            ds,
            Int32Array.from({ length: ds.rows }, (_, i) => i),
          )
        : [],
    trainClassCounts: ds.task === 'classification' ? classCounts(ds, ds.split.train) : undefined,
    inputSignature: signatureOf(ds.preprocessing),
    table: ds.table,
    skippedFiles: ds.skippedFiles,
    imageOptions: ds.imageOptions,
    text: ds.text,
    rows: ds.rows,
    features: ds.features,
    inputShape: ds.inputShape,
    classNames: ds.classNames,
    split: { train: ds.split.train.length, val: ds.split.val.length, test: ds.split.test.length },
    ...(ds.unlabeled?.length ? { unlabeled: ds.unlabeled.length } : {}),
    preview: ds.preview,
  };
}

/** Copies the rows `indices[start..end)` into a float batch (scaled) and their targets. */
export function gatherBatch(
  ds: Dataset,
  indices: Int32Array,
  start: number,
  end: number,
): { x: Float32Array; y: Int32Array | Float32Array; size: number } {
  const size = end - start;
  const f = ds.features;
  const x = new Float32Array(size * f);
  const y = ds.y instanceof Float32Array ? new Float32Array(size) : new Int32Array(size);
  const scale = ds.xScale;
  for (let i = 0; i < size; i++) {
    const row = indices[start + i]!;
    const src = ds.x.subarray(row * f, (row + 1) * f);
    if (scale === 1) x.set(src, i * f);
    else for (let k = 0; k < f; k++) x[i * f + k] = src[k]! * scale;
    if (ds.y) y[i] = ds.y[row]!;
  }
  return { x, y, size };
}

/**
 * Token rows (`size` × `length`, padding 0 after each text) cut to the longest text's length, so
 * that a batch of short texts does not pay for padding. A model with a free length reads them as
 * it reads the padded rows (padding is masked).
 */
export function trimPadding(x: Float32Array, size: number, length: number): { x: Float32Array; length: number } {
  let used = 1;
  for (let r = 0; r < size && used < length; r++) {
    const row = r * length;
    for (let j = length - 1; j >= used; j--)
      if (x[row + j] !== 0) {
        used = j + 1;
        break;
      }
  }
  if (used === length) return { x, length };
  const out = new Float32Array(size * used);
  for (let r = 0; r < size; r++) out.set(x.subarray(r * length, r * length + used), r * used);
  return { x: out, length: used };
}

/** Class counts of `indices` (for stratification checks and the data panel); unlabeled rows (y -1) are not counted. */
export function classCounts(ds: Dataset, indices: Int32Array): number[] {
  const counts = new Array<number>(ds.classNames.length).fill(0);
  if (ds.y)
    for (const row of indices) {
      const c = ds.y[row]!;
      if (c >= 0) counts[c]! += 1;
    }
  return counts;
}

/** `n` pictures of `features` values each, scaled 0..1, as uint8 pixels (clipped). */
export function toPixels(t: Float32Array, n: number, features: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) =>
    Uint8Array.from(t.subarray(i * features, (i + 1) * features), (v) =>
      Math.max(0, Math.min(255, Math.round(v * 255))),
    ),
  );
}
