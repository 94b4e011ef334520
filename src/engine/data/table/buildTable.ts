// Turns a read table and the user's choices (label, roles, missing values, split) into a dataset:
// features one-hot encoded or standardized with training-split statistics only, a seeded split
// (stratified for classification), and the preprocessing recorded as data.
import type { FeatureSpec, LabelSpec, Preprocessing } from '../../../shared/preprocessing';
import { featureWidth, inputNames } from '../../../shared/preprocessing';
import type { ColumnRole, ColumnSummary, TableOptions, Task } from '../../../shared/types/datasets';
import type { Dataset } from '../dataset';
import { DataError } from '../errors';
import { range } from '../random';
import { stratifiedSplit } from '../split';
import { buildTextDataset } from '../text/buildText';
import { guessLabel, inferKind, summarizeColumn } from './columns';
import { MISSING_TOKENS, tableDescription, tableName, type RawColumn, type RawTable } from './readCsv';

/** Integer labels with at most this many distinct values mean classification. */
const MAX_INTEGER_CLASSES = 20;

export function describeColumns(raw: RawTable, opts: TableOptions): ColumnSummary[] {
  const kinds = raw.columns.map((col) => inferKind(col, raw.rows));
  const textDefault = defaultTextColumn(raw, kinds, opts);
  return raw.columns.map((col, i) => {
    const kind = kinds[i]!;
    const role: ColumnRole =
      col.name === opts.label
        ? 'label'
        : Object.hasOwn(opts.roles, col.name) // a column may be called "constructor"
          ? opts.roles[col.name]!
          : kind === 'numeric' || kind === 'categorical'
            ? 'feature'
            : col.name === textDefault
              ? 'text'
              : 'ignore';
    return {
      ...summarizeColumn(col, raw.rows, kind),
      role: role === 'label' && col.name !== opts.label ? 'ignore' : role,
    };
  });
}

/**
 * A text column is the input by default when nothing else would be (no numeric or categorical
 * feature besides the label, none chosen as text): a table of messages and their labels.
 */
function defaultTextColumn(raw: RawTable, kinds: string[], opts: TableOptions): string | null {
  const role = (name: string) => (Object.hasOwn(opts.roles, name) ? opts.roles[name] : undefined);
  const others = raw.columns.filter((c) => c.name !== opts.label);
  if (others.some((c) => role(c.name) === 'text' || role(c.name) === 'feature')) return null;
  if (others.some((c) => role(c.name) === undefined && /^(numeric|categorical)$/.test(kinds[raw.columns.indexOf(c)]!)))
    return null;
  return others.find((c) => kinds[raw.columns.indexOf(c)] === 'text' && role(c.name) === undefined)?.name ?? null;
}

/** Fills in the label when the caller has not chosen one yet (undefined), keeping "" (none). */
export function withDefaultLabel(raw: RawTable, opts: Partial<TableOptions> & { label?: string }): string {
  if (opts.label !== undefined) return opts.label;
  return guessLabel(raw.columns.map((c) => ({ name: c.name, kind: inferKind(c, raw.rows) })));
}

function naturalOrder(values: string[]): string[] {
  const numeric = values.every((v) => Number.isFinite(Number(v)));
  return [...values].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => a.localeCompare(b));
}

function resolveTask(col: RawColumn, kind: string, requested: TableOptions['task']): Exclude<Task, 'none'> {
  if (requested !== 'auto') return requested;
  if (kind === 'categorical' || col.nonNumeric > 0) return 'classification';
  return col.allIntegers && col.codes !== null && col.dict.length <= MAX_INTEGER_CLASSES
    ? 'classification'
    : 'regression';
}

export function buildTableDataset(raw: RawTable, opts: TableOptions): Dataset {
  const columns = describeColumns(raw, opts);
  const byName = new Map(raw.columns.map((c) => [c.name, c]));
  checkOptions(raw, opts, byName);
  const { textCol, featureCols } = chooseInputs(raw, columns, byName);
  const labelCol = opts.label ? byName.get(opts.label)! : null;
  const labelKind = opts.label ? columns.find((c) => c.name === opts.label)!.kind : 'empty';
  const task: Task = labelCol ? resolveTask(labelCol, labelKind, opts.task) : 'none';
  if (labelCol) checkLabel(labelCol, task);

  // Rows kept: with "drop", none with a missing feature. A label is never imputed: the rows without
  // one come last, as unlabeled rows outside every split, so the labelled rows, their order and
  // their split are those of the table without them. (Typed loops from here on: a table may have
  // millions of rows.)
  const used = textCol ? [textCol] : featureCols.map((c) => byName.get(c.name)!);
  const { keep, labelled } = keptRows(
    raw.rows,
    labelCol?.missing ?? null,
    opts.missing === 'drop' ? used.map((c) => c.missing) : [],
  );
  if (!keep.length)
    throw new DataError(
      `No rows are left after removing rows with missing values. Choose "fill in missing values" instead of "drop rows".`,
      'no-rows',
    );
  if (!labelled)
    throw new DataError(
      `No row${opts.missing === 'drop' ? ' left after removing rows with missing values' : ''} has a value in the label "${labelCol!.name}". Pick another label column, or "no label" to pretrain.`,
      'no-rows',
    );

  const { classNames, yClass, yValue } = encodeLabels(labelCol, task, keep, labelled);
  const strata = yClass ? yClass.subarray(0, labelled) : new Int32Array(labelled);
  const split = stratifiedSplit(
    strata,
    yClass ? classNames.length : 1,
    { val: opts.valFraction, test: opts.testFraction },
    opts.seed,
  );
  if (!split.train.length)
    throw new DataError(
      'Too few rows to split into train, validation and test parts. Add rows, or lower the validation and test shares.',
      'no-rows',
    );
  const unlabeled = labelled < keep.length ? range(labelled, keep.length) : undefined;

  const label = labelCol ? labelSpec(labelCol.name, classNames, yValue, split.train) : null;
  if (textCol)
    return buildTextDataset({
      raw,
      options: opts,
      columns,
      column: textCol,
      keep: Array.from(keep),
      split,
      unlabeled,
      task,
      y: yClass ?? yValue,
      classNames,
      label,
    });

  // Feature specs from the training rows only.
  const specs = featureSpecs(used, featureCols, gather(keep, split.train), opts.maxCategories);
  const { x, width } = encodeFeatures(specs, used, keep);
  return tableDataset(raw, opts, columns, specs, {
    task,
    keep,
    width,
    x,
    y: yClass ?? yValue,
    classNames,
    split,
    unlabeled,
    label,
  });
}

/** How the label is encoded; a numeric label is standardized here with its training rows' mean and std. */
function labelSpec(
  column: string,
  classNames: string[],
  yValue: Float32Array | null,
  trainRows: Int32Array,
): LabelSpec {
  if (!yValue) return { column, type: 'classes', classNames };
  const { mean, sq, n } = moments(yValue, null, trainRows);
  const std = usableStd(Math.sqrt(sq / n));
  standardize(yValue, mean, std);
  return { column, type: 'numeric', mean, std };
}

/** The label must be in the table, and the validation and test shares leave rows to train on. */
function checkOptions(raw: RawTable, opts: TableOptions, byName: Map<string, RawColumn>): void {
  if (opts.label && !byName.has(opts.label))
    throw new DataError(
      `There is no column named "${opts.label}" in ${raw.fileName}. Pick the label from the list.`,
      'bad-option',
    );
  if (!(opts.valFraction >= 0 && opts.testFraction > 0 && opts.valFraction + opts.testFraction < 0.9))
    throw new DataError(
      'Validation and test shares must leave at least 10% of the rows for training (and test must be above 0).',
      'bad-option',
    );
}

/** The input: one text column (the Transformer's), or the feature columns, each usable as one. */
function chooseInputs(raw: RawTable, columns: ColumnSummary[], byName: Map<string, RawColumn>) {
  const textCols = columns.filter((c) => c.role === 'text');
  if (textCols.length > 1)
    throw new DataError(
      `Only one column can be read as text; ${textCols.map((c) => `"${c.name}"`).join(' and ')} both are. Set the others to "ignore".`,
      'bad-option',
    );
  const textCol = textCols[0] ? byName.get(textCols[0].name)! : null;
  if (textCol && (textCols[0]!.kind === 'empty' || textCol.missingCount === raw.rows))
    throw new DataError(
      `Column "${textCol.name}" is empty and cannot be read as text. Choose another column.`,
      'bad-option',
    );
  // With a text input the other columns are not used (the Transformer reads tokens only).
  const featureCols = textCol ? [] : columns.filter((c) => c.role === 'feature');
  for (const c of featureCols) {
    const rawCol = byName.get(c.name)!;
    if ((c.kind === 'text' || c.kind === 'identifier') && !rawCol.codes && rawCol.nonNumeric > 0)
      throw new DataError(
        `Column "${c.name}" has too many distinct values (over ${rawCol.dict.length}) to be used as a feature. Set its role to "ignore".`,
        'bad-option',
      );
    if (c.kind === 'empty')
      throw new DataError(
        `Column "${c.name}" is empty and cannot be a feature. Set its role to "ignore".`,
        'bad-option',
      );
  }
  if (!featureCols.length && !textCol) {
    const why = columns
      .filter((c) => c.role !== 'label')
      .map((c) => `"${c.name}" (${c.kind})`)
      .join(', ');
    throw new DataError(
      `${raw.fileName} has no usable feature column${why ? `: ${why}` : ''}. A feature must be numeric or have few distinct values; set a column's role to "feature" if it should be used.`,
      'no-features',
    );
  }

  return { textCol, featureCols };
}

/** A regression label must be numbers, a classification label few enough classes. */
function checkLabel(labelCol: RawColumn, task: Task): void {
  if (task === 'regression' && labelCol.nonNumeric > 0)
    throw new DataError(
      `The label "${labelCol.name}" has values that are not numbers, so it cannot be a regression target. Choose classification.`,
      'bad-label',
    );
  if (task === 'classification' && !labelCol.codes)
    throw new DataError(
      `The label "${labelCol.name}" has over ${labelCol.dict.length} distinct values: too many classes. Choose regression, or another label.`,
      'bad-label',
    );
}

/** The kept rows' labels: class indices (the classes present, in natural order) or values; -1 or NaN from row `labelled` on. */
function encodeLabels(labelCol: RawColumn | null, task: Task, keep: Int32Array, labelled: number) {
  let classNames: string[] = [];
  let yClass: Int32Array | null = null;
  let yValue: Float32Array | null = null;
  if (labelCol && task === 'classification') {
    const codes = gather(labelCol.codes!, keep);
    // The classes present, in the order they first appear (naturalOrder keeps ties in that order).
    classNames = naturalOrder(
      firstSeen(codes.subarray(0, labelled), labelCol.dict.length).map((code) => labelCol.dict[code]!),
    );
    if (classNames.length < 2)
      throw new DataError(
        `The label "${labelCol.name}" has only one class (${classNames[0] ?? 'none'}), so there is nothing to tell apart. Pick another label column, or "no label" to pretrain.`,
        'one-class',
      );
    const index = new Map(classNames.map((n, i) => [n, i]));
    const codeToClass = Int32Array.from(labelCol.dict, (v) => index.get(v) ?? -1);
    yClass = withTail(gather(codeToClass, codes.subarray(0, labelled)), keep.length, -1);
  } else if (labelCol) {
    yValue = withTail(gather(labelCol.values, keep.subarray(0, labelled)), keep.length, NaN);
  }

  return { classNames, yClass, yValue };
}

/** Each feature column's encoding, from the training rows: standardized numbers, or one-hot categories. */
function featureSpecs(
  used: RawColumn[],
  featureCols: ColumnSummary[],
  trainRows: Int32Array,
  maxCategories: number,
): FeatureSpec[] {
  return used.map((col, j) => {
    const kind = featureCols[j]!.kind;
    if (kind === 'numeric' || (kind !== 'categorical' && col.nonNumeric === 0)) {
      const { mean, sq, n } = moments(col.values, col.missing, trainRows);
      return { column: col.name, type: 'numeric', mean, std: usableStd(Math.sqrt(sq / Math.max(1, n))), impute: mean };
    }
    const counts = Array.from(countCodes(col.codes!, trainRows, col.dict.length));
    const ranked = counts
      .map((count, code) => ({ code, count }))
      .filter((c) => c.count > 0)
      .sort((a, b) => b.count - a.count || col.dict[a.code]!.localeCompare(col.dict[b.code]!));
    const categories = ranked.slice(0, maxCategories).map((c) => col.dict[c.code]!);
    return {
      column: col.name,
      type: 'onehot',
      categories,
      other: col.dict.length > categories.length,
      impute: categories[0] ?? '',
    };
  });
}

/** The kept rows' encoded features, row-major. */
function encodeFeatures(specs: FeatureSpec[], used: RawColumn[], keep: Int32Array) {
  const width = specs.reduce((s, f) => s + featureWidth(f), 0);
  const x = new Float32Array(keep.length * width);
  const fills = specs.map((spec, j) => featureFill(spec, used[j]!));
  // Row blocks, so each block of x is written while in cache (a column at a time is a stride).
  for (let start = 0; start < keep.length; start += 2048) {
    const end = Math.min(keep.length, start + 2048);
    let offset = 0;
    specs.forEach((spec, j) => {
      fills[j]!(x, keep, start, end, width, offset);
      offset += featureWidth(spec);
    });
  }

  return { x, width };
}

/** The dataset: its rows and split, the preprocessing as data, and what the table panel shows. */
function tableDataset(
  raw: RawTable,
  opts: TableOptions,
  columns: ColumnSummary[],
  specs: FeatureSpec[],
  d: Pick<Dataset, 'task' | 'x' | 'y' | 'classNames' | 'split' | 'unlabeled'> & {
    keep: Int32Array;
    width: number;
    label: LabelSpec | null;
  },
): Dataset {
  const preprocessing: Preprocessing = {
    kind: 'table',
    features: specs,
    label: d.label,
    missing: opts.missing,
    missingTokens: MISSING_TOKENS,
  };
  return {
    name: tableName(raw),
    description: tableDescription(raw),
    kind: 'table',
    source: 'upload',
    task: d.task,
    rows: d.keep.length,
    inputShape: [d.width],
    features: d.width,
    x: d.x,
    xScale: 1,
    y: d.y,
    classNames: d.classNames,
    split: d.split,
    ...(d.unlabeled ? { unlabeled: d.unlabeled } : {}),
    preview: { kind: 'table', columns: raw.columns.map((c) => c.name), rows: raw.head.slice(0, 8) },
    preprocessing,
    table: {
      fileName: raw.fileName,
      bytes: raw.bytes,
      delimiter: raw.delimiter,
      columns,
      options: opts,
      rowsRead: raw.rows,
      rowsDropped: raw.rows - d.keep.length,
      ...(d.unlabeled ? { rowsUnlabeled: d.unlabeled.length } : {}),
      malformedSkipped: raw.malformedCount,
      inputNames: inputNames(specs),
    },
  };
}

// The loops over rows are small functions of their own, each optimized as a whole (a loop inside
// the long function above would be compiled alone, and that code dropped when the rest runs).

/** from[index[i]] for each i. */
function gather<T extends Int32Array | Float32Array>(from: T, index: Int32Array): T {
  const out = new (from.constructor as new (n: number) => T)(index.length);
  for (let i = 0; i < index.length; i++) out[i] = from[index[i]!]!;
  return out;
}

/** Codes (>= 0) in the order they first appear. */
function firstSeen(codes: Int32Array, size: number): number[] {
  const seen = new Uint8Array(size);
  const order: number[] = [];
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (!seen[c]) {
      seen[c] = 1;
      order.push(c);
    }
  }
  return order;
}

/** Mean of values[rows[i]] (missing ones left out) and the sum of squared deviations from it. */
function moments(values: Float32Array, missing: Uint8Array | null, rows: Int32Array) {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (missing?.[r]) continue;
    sum += values[r]!;
    n++;
  }
  const mean = n ? sum / n : 0;
  let sq = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!missing?.[r]) sq += (values[r]! - mean) ** 2;
  }
  return { mean, sq, n };
}

function standardize(y: Float32Array, mean: number, std: number): void {
  for (let i = 0; i < y.length; i++) y[i] = (y[i]! - mean) / std;
}

/** How often each code (>= 0) occurs among codes[rows[i]]. */
function countCodes(codes: Int32Array, rows: Int32Array, size: number): Int32Array {
  const counts = new Int32Array(size);
  for (let i = 0; i < rows.length; i++) {
    const code = codes[rows[i]!]!;
    if (code >= 0) counts[code]!++;
  }
  return counts;
}

type Fill = (x: Float32Array, keep: Int32Array, start: number, end: number, width: number, offset: number) => void;

/** Writes a feature's inputs for rows keep[start..end) at its offset. */
function featureFill(spec: FeatureSpec, col: RawColumn): Fill {
  if (spec.type === 'numeric') {
    const { values, missing } = col;
    const { mean, std, impute } = spec;
    return (x, keep, start, end, width, offset) => {
      for (let i = start, at = start * width + offset; i < end; i++, at += width) {
        const r = keep[i]!;
        const v = missing[r] ? impute : values[r]!;
        x[at] = (v - mean) / std;
      }
    };
  }
  const codes = col.codes!;
  const slot = Int32Array.from(col.dict, (v) => {
    const k = spec.categories.indexOf(v);
    return k >= 0 ? k : spec.other ? spec.categories.length : -1;
  });
  const imputeSlot = spec.categories.indexOf(spec.impute);
  return (x, keep, start, end, width, offset) => {
    for (let i = start, at = start * width + offset; i < end; i++, at += width) {
      const code = codes[keep[i]!]!;
      const k = code < 0 ? imputeSlot : slot[code]!;
      if (k >= 0) x[at + k] = 1;
    }
  };
}

/**
 * The rows kept (for "drop", those with no missing value among `features`): the ones with a label
 * (every row when there is no label column), then the ones without, each in file order.
 */
function keptRows(
  rows: number,
  labelMissing: Uint8Array | null,
  features: Uint8Array[],
): { keep: Int32Array; labelled: number } {
  const keep = new Int32Array(rows);
  const loose = new Int32Array(rows);
  let n = 0;
  let u = 0;
  for (let r = 0; r < rows; r++) {
    let skip = false;
    for (const m of features) if (m[r]) skip = true;
    if (skip) continue;
    if (labelMissing?.[r]) loose[u++] = r;
    else keep[n++] = r;
  }
  keep.set(loose.subarray(0, u), n);
  return { keep: n + u === rows ? keep : keep.slice(0, n + u), labelled: n };
}

/** `head` followed by `fill` up to `length` values. */
function withTail<T extends Int32Array | Float32Array>(head: T, length: number, fill: number): T {
  if (head.length === length) return head;
  const out = new (head.constructor as new (n: number) => T)(length);
  out.set(head);
  out.fill(fill, head.length);
  return out;
}

/**
 * A spread to divide by: 1 for a constant column, and for one so narrow (below 1e-30, e.g. values
 * like 1e-45) that standardized values would overflow float32 to infinity.
 */
function usableStd(std: number): number {
  return std > 1e-30 ? std : 1;
}
