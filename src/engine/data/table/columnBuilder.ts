// One column of a table as it is read: a float32 value per row (NaN when missing or not a number),
// a missing mask, and category codes while the column has few distinct values; beyond that, the
// cells themselves. ColumnBuilder reads cells as strings (the papaparse reader, one string per
// cell); byteColumn.ts reads them as bytes with the same outcome and no string per cell.

/** Missing-value spellings (compared trimmed and case-insensitively). */
export const MISSING_TOKENS = ['', 'na', 'n/a', 'null', 'nan', '?', 'none', '-'];
const MISSING = new Set(MISSING_TOKENS);

/** Distinct values tracked per column; beyond this a column is not categorical. */
export const DISTINCT_CAP = 1000;

/** A field as the table sees it: trimmed only when it starts or ends with a control/space character (cheap on a hot path). */
export function cleanCell(raw: string): string {
  return raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32 ? raw.trim() : raw;
}

/** Whether a cleaned field is a missing value (tokens in lower case). */
export function isMissingCell(cell: string, tokens: ReadonlySet<string> = MISSING): boolean {
  return cell.length <= 4 && tokens.has(cell.toLowerCase());
}

/** The cells of a column with many distinct values, as read (trimmed; "" when missing). */
export interface CellTexts {
  readonly rows: number;
  get(row: number): string;
}

class StringTexts implements CellTexts {
  cells: string[] = [];
  get rows(): number {
    return this.cells.length;
  }
  get(row: number): string {
    return this.cells[row] ?? '';
  }
}

export interface BuiltColumn {
  name: string;
  values: Float32Array;
  missing: Uint8Array;
  /** Code into `dict` per row (-1 = missing), or null once the column passed DISTINCT_CAP. */
  codes: Int32Array | null;
  dict: string[];
  /** The cells as read, once `codes` gave up (many distinct values: free text, ids); see cellText. */
  texts: CellTexts | null;
  counts: number[];
  missingCount: number;
  nonNumeric: number;
  allIntegers: boolean;
  strictlyIncreasing: boolean;
  /** Every value is the previous one plus 1 (row numbers). */
  consecutive: boolean;
}

/**
 * What both column readers keep besides the categories or cells: a value and a missing flag per
 * row, the codes' array, and what the values say about the column (integers, row numbers).
 */
export class ColumnValues {
  values: Float32Array;
  missing: Uint8Array;
  codes: Int32Array | null;
  counts: number[] = [];
  missingCount = 0;
  nonNumeric = 0;
  allIntegers = true;
  strictlyIncreasing = true;
  consecutive = true;
  private last = -Infinity;

  constructor(
    readonly name: string,
    capacity: number,
  ) {
    this.values = new Float32Array(capacity);
    this.missing = new Uint8Array(capacity);
    this.codes = new Int32Array(capacity);
  }

  grow(capacity: number): void {
    this.values = grown(this.values, new Float32Array(capacity));
    this.missing = grown(this.missing, new Uint8Array(capacity));
    if (this.codes) this.codes = grown(this.codes, new Int32Array(capacity));
  }

  /** Row `row` is missing (its code, while there are codes, is -1). */
  protected markMissing(row: number): void {
    this.values[row] = NaN;
    this.missing[row] = 1;
    if (this.codes) this.codes[row] = -1;
    this.missingCount++;
    this.strictlyIncreasing = false;
    this.consecutive = false;
  }

  /** Row `row` reads as `n` (NaN: not a number). */
  protected markNumber(row: number, n: number): void {
    // Beyond float32's range a value would become Infinity: treat it as text, not a number.
    if (n === n && Math.abs(n) <= 3.4e38) {
      this.values[row] = n;
      if (!Number.isInteger(n)) this.allIntegers = false;
      if (n <= this.last) this.strictlyIncreasing = false;
      if (row > 0 && n !== this.last + 1) this.consecutive = false;
      this.last = n;
    } else {
      this.values[row] = NaN;
      this.nonNumeric++;
      this.strictlyIncreasing = false;
      this.consecutive = false;
    }
  }

  /** The column over its first `rows`, with its categories' names or its cells. */
  protected built(rows: number, dict: string[], texts: CellTexts | null): BuiltColumn {
    return {
      name: this.name,
      values: fit(this.values, rows),
      missing: fit(this.missing, rows),
      codes: this.codes ? fit(this.codes, rows) : null,
      dict,
      texts,
      counts: this.counts,
      missingCount: this.missingCount,
      nonNumeric: this.nonNumeric,
      allIntegers: this.allIntegers,
      strictlyIncreasing: this.strictlyIncreasing && rows > 1,
      consecutive: this.consecutive && rows > 1,
    };
  }
}

/** A column read from strings (the papaparse reader). */
export class ColumnBuilder extends ColumnValues {
  dict = new Map<string, number>();
  texts: StringTexts | null = null;

  push(row: number, raw: string): void {
    const cell = cleanCell(raw);
    if (isMissingCell(cell)) {
      this.markMissing(row);
      if (!this.codes) this.texts?.cells.push('');
      return;
    }
    this.markNumber(row, Number(cell));
    if (this.codes) {
      let code = this.dict.get(cell);
      if (code === undefined) {
        if (this.dict.size >= DISTINCT_CAP) {
          // Too many distinct values to be a category: from here on the cells themselves are kept
          // (a text column reads them), the earlier ones recovered from their codes.
          const words = [...this.dict.keys()];
          this.texts = new StringTexts();
          this.texts.cells = Array.from(this.codes.subarray(0, row), (c) => (c < 0 ? '' : words[c]!));
          this.texts.cells.push(cell);
          this.codes = null;
          return;
        }
        code = this.dict.size;
        this.dict.set(cell, code);
        this.counts.push(0);
      }
      this.codes[row] = code;
      this.counts[code]!++;
    } else this.texts?.cells.push(cell);
  }

  finish(rows: number): BuiltColumn {
    return this.built(rows, [...this.dict.keys()], this.texts);
  }
}

/** `to` (larger) holding `from`. */
export function grown<T extends Float32Array | Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** The first `rows`: a view when the estimate was close (no copy of a large table), a copy when it was far off. */
export function fit<T extends Float32Array | Uint8Array | Int32Array>(a: T, rows: number): T {
  return a.length <= rows * 1.25 ? (a.subarray(0, rows) as T) : (a.slice(0, rows) as T);
}
