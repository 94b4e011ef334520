// What each column of a table is (numeric, categorical, text, identifier, constant, empty) and
// its summary for the preview: missing count, range and histogram, or its top values.
import type { ColumnKind, ColumnSummary } from '../../../shared/types/datasets';
import type { RawColumn } from './readCsv';

/** Up to this many distinct values (or this share of the rows) a text column is categorical. */
const CATEGORY_LIMIT = 100;
const HISTOGRAM_BINS = 12;

export function inferKind(col: RawColumn, rows: number): ColumnKind {
  const present = rows - col.missingCount;
  if (present === 0) return 'empty';
  if (col.codes && col.dict.length === 1) return 'constant';
  if (col.nonNumeric === 0) {
    // Whole numbers counting up row by row (1, 2, 3 …), or increasing under an id-like name, are
    // row ids, not measurements.
    const idName = /(^|[_\s-])(id|idx|index|key|row|no)$|^#$/i.test(col.name);
    if (col.allIntegers && col.strictlyIncreasing && col.missingCount === 0 && rows > 20 && (col.consecutive || idName))
      return 'identifier';
    return 'numeric';
  }
  // Sentences (mostly distinct, with spaces) are text even when few: not categories, not ids.
  if (looksLikeProse(col) && (!col.codes || col.dict.length > present * 0.5)) return 'text';
  if (col.codes && col.dict.length <= Math.max(CATEGORY_LIMIT, rows * 0.05) && col.dict.length < present)
    return 'categorical';
  return col.codes && col.dict.length === present && present > 20 ? 'identifier' : 'text';
}

/** Most of the first values have a space and they run to a few words on average. */
function looksLikeProse(col: RawColumn): boolean {
  const sample = col.codes ? col.dict.filter((v) => v).slice(0, 200) : firstTexts(col, 200);
  if (!sample.length) return false;
  const spaced = sample.filter((v) => v.includes(' ')).length;
  const chars = sample.reduce((n, v) => n + v.length, 0);
  return spaced >= sample.length * 0.6 && chars / sample.length >= 20;
}

/** The first `most` non-empty cells of a column with many distinct values. */
function firstTexts(col: RawColumn, most: number): string[] {
  const out: string[] = [];
  const texts = col.texts;
  for (let r = 0; texts && r < texts.rows && out.length < most; r++) {
    const v = texts.get(r);
    if (v) out.push(v);
  }
  return out;
}

export function summarizeColumn(col: RawColumn, rows: number, kind: ColumnKind): Omit<ColumnSummary, 'role'> {
  const base = {
    name: col.name,
    kind,
    missing: col.missingCount,
    distinct: col.dict.length,
    manyDistinct: col.codes === null,
  };
  if (kind === 'numeric' || (kind === 'identifier' && col.nonNumeric === 0)) {
    const { min, max, sum, n } = numericStats(col.values, rows);
    const width = (max - min) / HISTOGRAM_BINS || 1;
    const histogram = Array.from(histogramOf(col.values, rows, min, width));
    return { ...base, min, max, mean: n ? sum / n : NaN, histogram };
  }
  const top = col.dict
    .map((value, i) => ({ value, count: col.counts[i]! }))
    .sort((a, b) => b.count - a.count)
    .slice(0, 5);
  return { ...base, top };
}

// The loops over the rows are small functions of their own: called once per column, each is
// optimized as a whole (a loop in a larger function is compiled on its own, then thrown away when
// the rest of that function runs for the first time).

/** Smallest, largest, sum and count of the values that are not NaN. */
function numericStats(values: Float32Array, rows: number) {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const v = values[r]!;
    if (v !== v) continue; // NaN
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  return { min, max, sum, n };
}

function histogramOf(values: Float32Array, rows: number, min: number, width: number): Int32Array {
  const bins = new Int32Array(HISTOGRAM_BINS);
  for (let r = 0; r < rows; r++) {
    const v = values[r]!;
    // v - min is within [0, 12 widths]: truncation is floor.
    if (v === v) bins[Math.min(HISTOGRAM_BINS - 1, ((v - min) / width) | 0)]!++;
  }
  return bins;
}

/** A label column is guessed by name first, then the last usable column. */
export function guessLabel(cols: { name: string; kind: ColumnKind }[]): string {
  // A column named like a label is taken even when constant: loading then says it has one class,
  // rather than silently loading the table unlabeled.
  const named = cols.filter((c) => c.kind === 'numeric' || c.kind === 'categorical' || c.kind === 'constant');
  const byName = named.find((c) =>
    /^(label|labels|class|classes|target|y|species|outcome|category|diagnosis)$/i.test(c.name),
  );
  if (byName) return byName.name;
  const last = cols[cols.length - 1];
  return last && last.kind === 'categorical' ? last.name : '';
}
