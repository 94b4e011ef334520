// Labelled numeric tables (the built-in iris). Parsing uses papaparse; features are standardized
// with statistics of the training split only, so nothing leaks from validation or test rows.
import Papa from 'papaparse';
import type { Dataset } from './dataset';
import { stratifiedSplit, type SplitFractions } from './split';

export class TableError extends Error {
  override name = 'TableError';
}

export interface TableOptions {
  name: string;
  description: string;
  /** Label column name; defaults to the last column. */
  labelColumn?: string;
  split?: SplitFractions;
  seed?: number;
}

export function parseLabelledCsv(text: string, opts: TableOptions): Dataset {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
  const rowsIn = parsed.data;
  const header = rowsIn[0];
  if (!header || rowsIn.length < 2) throw new TableError(`${opts.name}: the table has no data rows`);
  const labelIndex = opts.labelColumn ? header.indexOf(opts.labelColumn) : header.length - 1;
  if (labelIndex < 0) throw new TableError(`${opts.name}: no column named "${opts.labelColumn}"`);
  const featureNames = header.filter((_, i) => i !== labelIndex);
  const body = rowsIn.slice(1);
  const rows = body.length;
  const features = featureNames.length;
  const x = new Float32Array(rows * features);
  const y = new Int32Array(rows);
  const classIndex = new Map<string, number>();
  body.forEach((cells, r) => {
    if (cells.length !== header.length)
      throw new TableError(`${opts.name}: line ${r + 2} has ${cells.length} fields, the header has ${header.length}`);
    let f = 0;
    cells.forEach((cell, c) => {
      if (c === labelIndex) {
        const key = cell.trim();
        if (!classIndex.has(key)) classIndex.set(key, classIndex.size);
        y[r] = classIndex.get(key)!;
        return;
      }
      const v = Number(cell);
      if (cell.trim() === '' || !Number.isFinite(v))
        throw new TableError(`${opts.name}: line ${r + 2}, column "${header[c]}" is not a number ("${cell}")`);
      x[r * features + f++] = v;
    });
  });
  const classNames = [...classIndex.keys()];
  if (classNames.length < 2) throw new TableError(`${opts.name}: the label column has only one class`);
  const split = stratifiedSplit(y, classNames.length, opts.split ?? { val: 0.15, test: 0.15 }, opts.seed ?? 42);
  standardizeInPlace(x, features, split.train);
  return {
    name: opts.name,
    description: opts.description,
    kind: 'table',
    rows,
    inputShape: [features],
    features,
    x,
    xScale: 1,
    y,
    classNames,
    split,
    preview: { kind: 'table', columns: header, rows: body.slice(0, 8) },
  };
}

/** z-scores every column with the mean and standard deviation of the `fitRows` only. */
export function standardizeInPlace(x: Float32Array, features: number, fitRows: Int32Array): { mean: number[]; std: number[] } {
  const mean = new Array<number>(features).fill(0);
  const std = new Array<number>(features).fill(0);
  for (const r of fitRows) for (let f = 0; f < features; f++) mean[f]! += x[r * features + f]!;
  for (let f = 0; f < features; f++) mean[f]! /= Math.max(1, fitRows.length);
  for (const r of fitRows) for (let f = 0; f < features; f++) std[f]! += (x[r * features + f]! - mean[f]!) ** 2;
  for (let f = 0; f < features; f++) std[f] = Math.sqrt(std[f]! / Math.max(1, fitRows.length)) || 1;
  for (let i = 0; i < x.length; i++) {
    const f = i % features;
    x[i] = (x[i]! - mean[f]!) / std[f]!;
  }
  return { mean, std };
}
