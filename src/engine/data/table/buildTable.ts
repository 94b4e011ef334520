// Turns a read table and the user's choices (label, roles, missing values, split) into a dataset:
// features one-hot encoded or standardized with training-split statistics only, a seeded split
// (stratified for classification), and the preprocessing recorded as data.
import type { FeatureSpec, LabelSpec, Preprocessing } from '../../../shared/preprocessing';
import { featureWidth, inputNames } from '../../../shared/preprocessing';
import type { ColumnRole, ColumnSummary, TableOptions, Task } from '../../../shared/types/datasets';
import type { Dataset } from '../dataset';
import { DataError } from '../errors';
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

  const labelCol = opts.label ? byName.get(opts.label)! : null;
  const labelKind = opts.label ? columns.find((c) => c.name === opts.label)!.kind : 'empty';
  const task: Task = labelCol ? resolveTask(labelCol, labelKind, opts.task) : 'none';
  if (labelCol && task === 'regression' && labelCol.nonNumeric > 0)
    throw new DataError(
      `The label "${labelCol.name}" has values that are not numbers, so it cannot be a regression target. Choose classification.`,
      'bad-label',
    );
  if (labelCol && task === 'classification' && !labelCol.codes)
    throw new DataError(
      `The label "${labelCol.name}" has over ${labelCol.dict.length} distinct values: too many classes. Choose regression, or another label.`,
      'bad-label',
    );

  // Rows kept: a label is never imputed; with "drop", neither are features.
  const used = textCol ? [textCol] : featureCols.map((c) => byName.get(c.name)!);
  const keep: number[] = [];
  for (let r = 0; r < raw.rows; r++) {
    if (labelCol?.missing[r]) continue;
    if (opts.missing === 'drop' && used.some((c) => c.missing[r])) continue;
    keep.push(r);
  }
  if (!keep.length)
    throw new DataError(
      `No rows are left after removing rows with missing values. Choose "fill in missing values" instead of "drop rows".`,
      'no-rows',
    );

  // Labels.
  let classNames: string[] = [];
  let yClass: Int32Array | null = null;
  let yValue: Float32Array | null = null;
  if (labelCol && task === 'classification') {
    const present = new Set<number>();
    for (const r of keep) present.add(labelCol.codes![r]!);
    classNames = naturalOrder([...present].map((code) => labelCol.dict[code]!));
    if (classNames.length < 2)
      throw new DataError(
        `The label "${labelCol.name}" has only one class (${classNames[0] ?? 'none'}), so there is nothing to tell apart. Pick another label column, or "no label" to pretrain.`,
        'one-class',
      );
    const index = new Map(classNames.map((n, i) => [n, i]));
    const codeToClass = labelCol.dict.map((v) => index.get(v) ?? -1);
    yClass = Int32Array.from(keep, (r) => codeToClass[labelCol.codes![r]!]!);
  } else if (labelCol) {
    yValue = Float32Array.from(keep, (r) => labelCol.values[r]!);
  }

  const strata = yClass ?? new Int32Array(keep.length);
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

  let label: LabelSpec | null = null;
  if (labelCol && yClass) label = { column: labelCol.name, type: 'classes', classNames };
  if (labelCol && yValue) {
    const train = Array.from(split.train, (i) => yValue![i]!);
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    const std = usableStd(Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / train.length));
    for (let i = 0; i < yValue.length; i++) yValue[i] = (yValue[i]! - mean) / std;
    label = { column: labelCol.name, type: 'numeric', mean, std };
  }
  if (textCol)
    return buildTextDataset({
      raw,
      options: opts,
      columns,
      column: textCol,
      keep,
      split,
      task,
      y: yClass ?? yValue,
      classNames,
      label,
    });

  // Feature specs from the training rows only.
  const trainRows = Array.from(split.train, (i) => keep[i]!);
  const specs: FeatureSpec[] = used.map((col, j) => {
    const kind = featureCols[j]!.kind;
    if (kind === 'numeric' || (kind !== 'categorical' && col.nonNumeric === 0)) {
      let sum = 0;
      let n = 0;
      for (const r of trainRows) {
        if (col.missing[r]) continue;
        sum += col.values[r]!;
        n++;
      }
      const mean = n ? sum / n : 0;
      let sq = 0;
      for (const r of trainRows) if (!col.missing[r]) sq += (col.values[r]! - mean) ** 2;
      return { column: col.name, type: 'numeric', mean, std: usableStd(Math.sqrt(sq / Math.max(1, n))), impute: mean };
    }
    const counts = new Array<number>(col.dict.length).fill(0);
    for (const r of trainRows) if (col.codes![r]! >= 0) counts[col.codes![r]!]!++;
    const ranked = counts
      .map((count, code) => ({ code, count }))
      .filter((c) => c.count > 0)
      .sort((a, b) => b.count - a.count || col.dict[a.code]!.localeCompare(col.dict[b.code]!));
    const categories = ranked.slice(0, opts.maxCategories).map((c) => col.dict[c.code]!);
    return {
      column: col.name,
      type: 'onehot',
      categories,
      other: col.dict.length > categories.length,
      impute: categories[0] ?? '',
    };
  });

  const width = specs.reduce((s, f) => s + featureWidth(f), 0);
  const x = new Float32Array(keep.length * width);
  let offset = 0;
  specs.forEach((spec, j) => {
    const col = used[j]!;
    if (spec.type === 'numeric') {
      keep.forEach((r, i) => {
        const v = col.missing[r] ? spec.impute : col.values[r]!;
        x[i * width + offset] = (v - spec.mean) / spec.std;
      });
    } else {
      const slot = col.dict.map((v) => {
        const k = spec.categories.indexOf(v);
        return k >= 0 ? k : spec.other ? spec.categories.length : -1;
      });
      const imputeSlot = spec.categories.indexOf(spec.impute);
      keep.forEach((r, i) => {
        const code = col.codes![r]!;
        const k = code < 0 ? imputeSlot : slot[code]!;
        if (k >= 0) x[i * width + offset + k] = 1;
      });
    }
    offset += featureWidth(spec);
  });

  const preprocessing: Preprocessing = {
    kind: 'table',
    features: specs,
    label,
    missing: opts.missing,
    missingTokens: MISSING_TOKENS,
  };
  return {
    name: tableName(raw),
    description: tableDescription(raw),
    kind: 'table',
    source: 'upload',
    task,
    rows: keep.length,
    inputShape: [width],
    features: width,
    x,
    xScale: 1,
    y: yClass ?? yValue,
    classNames,
    split,
    preview: { kind: 'table', columns: raw.columns.map((c) => c.name), rows: raw.head.slice(0, 8) },
    preprocessing,
    table: {
      fileName: raw.fileName,
      bytes: raw.bytes,
      delimiter: raw.delimiter,
      columns,
      options: opts,
      rowsRead: raw.rows,
      rowsDropped: raw.rows - keep.length,
      malformedSkipped: raw.malformedCount,
      inputNames: inputNames(specs),
    },
  };
}

/**
 * A spread to divide by: 1 for a constant column, and for one so narrow (below 1e-30, e.g. values
 * like 1e-45) that standardized values would overflow float32 to infinity.
 */
function usableStd(std: number): number {
  return std > 1e-30 ? std : 1;
}
