// A table whose input is one text column: the tokenizer is learned from the training split's
// texts and the unlabeled ones (never validation or test), every kept row becomes [CLS] + its
// tokens (cut at the maximum length, padded), and the tokenizer goes into the preprocessing so a
// model reads new text exactly the same way.
import type { LabelSpec, Preprocessing } from '../../../shared/preprocessing';
import { DEFAULT_TABLE_OPTIONS } from '../../../shared/defaults';
import { AUTO_TEXT_LENGTH, TEXT_LIMITS } from '../../../shared/limits';
import type { ColumnSummary, DatasetPreview, TableOptions, Task, TextOptions } from '../../../shared/types/datasets';
import { Tokenizer, encodeBatch, trainTokenizer } from '../../text/tokenizer.js';
import type { Dataset } from '../dataset';
import { DataError } from '../errors';
import { cellText, tableDescription, tableName, type RawColumn, type RawTable } from '../table/readCsv';

/** Texts shown in the data panel, with their tokens. */
const PREVIEW_TEXTS = 6;
const PREVIEW_TOKENS = 48;

export function validateTextOptions(o: TextOptions): void {
  const [v0, v1] = TEXT_LIMITS.vocabSize;
  const [l0, l1] = TEXT_LIMITS.maxLength;
  if (!Number.isInteger(o.vocabSize) || o.vocabSize < v0 || o.vocabSize > v1)
    throw new DataError(`Vocabulary size must be a whole number from ${v0} to ${v1}.`, 'bad-option');
  if (!Number.isInteger(o.maxLength) || o.maxLength < l0 || o.maxLength > l1)
    throw new DataError(`Maximum length must be a whole number of tokens from ${l0} to ${l1}.`, 'bad-option');
}

export interface TextParts {
  raw: RawTable;
  options: TableOptions;
  columns: ColumnSummary[];
  column: RawColumn;
  /** Rows of the file kept (in order); the split and `unlabeled` index into these. */
  keep: number[];
  split: Dataset['split'];
  /** Rows without a label, outside every split (after the labelled ones). */
  unlabeled?: Int32Array;
  task: Task;
  y: Int32Array | Float32Array | null;
  classNames: string[];
  label: LabelSpec | null;
}

/**
 * The length that fits the training texts' token counts ([CLS] included): their 99th percentile,
 * rounded up to a multiple of 8, within the setting's range and at most AUTO_TEXT_LENGTH.max.
 */
export function fitTextLength(counts: ArrayLike<number>): { length: number; p99: number } {
  const sorted = Int32Array.from(counts).sort();
  const p99 = sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil(AUTO_TEXT_LENGTH.quantile * sorted.length) - 1)]!
    : 1;
  const m = AUTO_TEXT_LENGTH.multiple;
  const [lo, hi] = TEXT_LIMITS.maxLength;
  return { length: Math.max(lo, Math.min(hi, AUTO_TEXT_LENGTH.max, Math.ceil(p99 / m) * m)), p99 };
}

/** The first training texts, their first tokens and their labels as the data panel shows them. */
function textPreview(p: TextParts, texts: string[], tokenizer: Tokenizer): DatasetPreview {
  const labelOf = (i: number): string =>
    !p.y
      ? ''
      : p.classNames.length
        ? (p.classNames[p.y[i]!] ?? '')
        : String(p.label?.type === 'numeric' ? Number((p.y[i]! * p.label.std + p.label.mean).toPrecision(6)) : '');
  return {
    kind: 'text',
    texts: Array.from(p.split.train.subarray(0, PREVIEW_TEXTS), (i) => ({
      text: texts[i]!.slice(0, 400),
      tokens: tokenizer.tokenize(texts[i]!).slice(0, PREVIEW_TOKENS),
      label: labelOf(i),
    })),
  };
}

export function buildTextDataset(p: TextParts): Dataset {
  // Tables saved by earlier versions have no text options; their saved length stands (their
  // checkpoints were trained on it).
  const stored = p.options.text;
  const text = {
    ...DEFAULT_TABLE_OPTIONS.text,
    ...stored,
    autoLength: stored ? (stored.autoLength ?? false) : true,
  };
  validateTextOptions(text);
  const texts = p.keep.map((r) => cellText(p.column, r));
  const started = performance.now();
  // The unlabeled texts teach the tokenizer and the length too: they are read in training
  // (pretraining, semi-supervised fine-tuning) and held out of validation and test.
  const trainTexts = Array.from(p.split.train, (i) => texts[i]!);
  if (p.unlabeled) for (const i of p.unlabeled) trainTexts.push(texts[i]!);
  const spec = trainTokenizer(trainTexts, { vocabSize: text.vocabSize, lowercase: text.lowercase });
  const tokenizerMs = performance.now() - started;
  const tokenizer = new Tokenizer(spec);
  const fitted = fitTextLength(trainTexts.map((t) => tokenizer.encode(t).length + 1));
  if (text.autoLength) text.maxLength = fitted.length;
  const { ids, lengths, truncated } = encodeBatch(tokenizer, texts, text.maxLength);
  const x = Float32Array.from(ids);
  let tokens = 0;
  for (const n of lengths) tokens += n;

  const preprocessing: Preprocessing = {
    kind: 'text',
    column: p.column.name,
    tokenizer: spec,
    maxLength: text.maxLength,
    label: p.label,
  };
  const preview = textPreview(p, texts, tokenizer);
  return {
    name: tableName(p.raw),
    description: tableDescription(p.raw),
    kind: 'text',
    source: 'upload',
    task: p.task,
    rows: p.keep.length,
    inputShape: [text.maxLength],
    features: text.maxLength,
    x,
    xScale: 1,
    y: p.y,
    classNames: p.classNames,
    split: p.split,
    ...(p.unlabeled ? { unlabeled: p.unlabeled } : {}),
    preview,
    preprocessing,
    text: {
      column: p.column.name,
      vocabSize: spec.vocab.length,
      maxLength: text.maxLength,
      lowercase: text.lowercase,
      truncated,
      meanTokens: texts.length ? tokens / texts.length : 0,
      tokenizerMs,
      texts: texts.length,
      autoLength: text.autoLength,
      p99Tokens: fitted.p99,
    },
    table: {
      fileName: p.raw.fileName,
      bytes: p.raw.bytes,
      delimiter: p.raw.delimiter,
      columns: p.columns,
      options: { ...p.options, text },
      rowsRead: p.raw.rows,
      rowsDropped: p.raw.rows - p.keep.length,
      ...(p.unlabeled ? { rowsUnlabeled: p.unlabeled.length } : {}),
      malformedSkipped: p.raw.malformedCount,
      inputNames: [p.column.name],
    },
  };
}
