// Streams a CSV/TSV (File or string) through papaparse into typed columns, without ever holding
// the rows as objects: per column a float32 value (NaN when missing or not a number), a missing
// mask, and category codes while the column has few distinct values.
import Papa from 'papaparse';
import { DataError } from '../errors';

export const MISSING_TOKENS = ['', 'na', 'n/a', 'null', 'nan', '?', 'none', '-'];
const MISSING = new Set(MISSING_TOKENS);

/** A field as the table sees it: trimmed only when it starts or ends with a control/space character (cheap on a hot path). */
export function cleanCell(raw: string): string {
  return raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32 ? raw.trim() : raw;
}

/** Whether a cleaned field is a missing value (tokens in lower case). */
export function isMissingCell(cell: string, tokens: ReadonlySet<string> = MISSING): boolean {
  return cell.length <= 4 && tokens.has(cell.toLowerCase());
}
/** Distinct values tracked per column; beyond this a column is not categorical. */
export const DISTINCT_CAP = 1000;

export interface RawColumn {
  name: string;
  values: Float32Array;
  missing: Uint8Array;
  /** Code into `dict` per row (-1 = missing), or null once the column passed DISTINCT_CAP. */
  codes: Int32Array | null;
  dict: string[];
  /**
   * The cells as read, once `codes` gave up (many distinct values: free text, ids); "" when
   * missing. Columns with codes read their cells from `dict` (see cellText).
   */
  texts: string[] | null;
  counts: number[];
  missingCount: number;
  nonNumeric: number;
  allIntegers: boolean;
  strictlyIncreasing: boolean;
  /** Every value is the previous one plus 1 (row numbers). */
  consecutive: boolean;
}

export interface RawTable {
  fileName: string;
  bytes: number;
  delimiter: string;
  rows: number;
  columns: RawColumn[];
  /** The first rows as text, for the preview. */
  head: string[][];
  /** 1-based data row numbers whose field count differed from the header (skipped). */
  malformedRows: number[];
  malformedCount: number;
}

export interface ReadOptions {
  skipMalformed: boolean;
  onProgress?: (fraction: number) => void;
  /** Stops reading at the next chunk (a newer choice superseded this load); rejects with its reason. */
  signal?: AbortSignal;
}

class ColumnBuilder {
  values: Float32Array;
  missing: Uint8Array;
  codes: Int32Array | null;
  dict = new Map<string, number>();
  texts: string[] | null = null;
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
    const v = new Float32Array(capacity);
    v.set(this.values);
    this.values = v;
    const m = new Uint8Array(capacity);
    m.set(this.missing);
    this.missing = m;
    if (this.codes) {
      const c = new Int32Array(capacity);
      c.set(this.codes);
      this.codes = c;
    }
  }

  push(row: number, raw: string): void {
    // Hot path (a million rows x a dozen columns): trim and lower-case only when needed.
    const cell = cleanCell(raw);
    if (isMissingCell(cell)) {
      this.values[row] = NaN;
      this.missing[row] = 1;
      if (this.codes) this.codes[row] = -1;
      else if (this.texts) this.texts.push('');
      this.missingCount++;
      this.strictlyIncreasing = false;
      this.consecutive = false;
      return;
    }
    const n = Number(cell);
    // Beyond float32's range a value would become Infinity: treat it as text, not a number.
    if (Number.isFinite(n) && Math.abs(n) <= 3.4e38) {
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
    if (this.codes) {
      let code = this.dict.get(cell);
      if (code === undefined) {
        if (this.dict.size >= DISTINCT_CAP) {
          // Too many distinct values to be a category: from here on the cells themselves are kept
          // (a text column reads them), the earlier ones recovered from their codes.
          const words = [...this.dict.keys()];
          this.texts = Array.from(this.codes.subarray(0, row), (c) => (c < 0 ? '' : words[c]!));
          this.texts.push(cell);
          this.codes = null;
          return;
        }
        code = this.dict.size;
        this.dict.set(cell, code);
        this.counts.push(0);
      }
      this.codes[row] = code;
      this.counts[code]!++;
    } else this.texts?.push(cell);
  }

  finish(rows: number): RawColumn {
    // Views when the estimate was close (no copy of a large table), copies when it was far off.
    const fit = <T extends Float32Array | Uint8Array | Int32Array>(a: T): T =>
      a.length <= rows * 1.25 ? (a.subarray(0, rows) as T) : (a.slice(0, rows) as T);
    return {
      name: this.name,
      values: fit(this.values),
      missing: fit(this.missing),
      codes: this.codes ? fit(this.codes) : null,
      dict: [...this.dict.keys()],
      texts: this.texts,
      counts: this.counts,
      missingCount: this.missingCount,
      nonNumeric: this.nonNumeric,
      allIntegers: this.allIntegers,
      strictlyIncreasing: this.strictlyIncreasing && rows > 1,
      consecutive: this.consecutive && rows > 1,
    };
  }
}

export const tableName = (raw: RawTable) => raw.fileName.replace(/\.(csv|tsv|txt)$/i, '');
export const tableDescription = (raw: RawTable) =>
  `${raw.fileName}: ${raw.rows.toLocaleString('en-US')} rows × ${raw.columns.length} columns`;

/** A cell of a column as read (trimmed; "" when missing). */
export function cellText(col: RawColumn, row: number): string {
  if (col.codes) {
    const code = col.codes[row]!;
    return code < 0 ? '' : col.dict[code]!;
  }
  return col.texts?.[row] ?? '';
}

/** Unique, non-empty column names: blanks become column_N, repeats get a suffix. */
export function normalizeHeader(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((h, i) => {
    const base = h.trim() || `column_${i + 1}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n ? `${base}_${n + 1}` : base;
  });
}

/** Refuses content that is not text (a binary file named .csv) before parsing it. */
export function assertLooksLikeText(sample: Uint8Array, fileName: string): void {
  if (!sample.length)
    throw new DataError(
      `${fileName} is empty. Choose a CSV file with a header row and at least one data row.`,
      'empty',
    );
  let control = 0;
  for (const b of sample) {
    if (b === 0)
      throw new DataError(
        `${fileName} is not a text table (it contains binary data). Export it as CSV (comma or tab separated) and try again.`,
        'binary',
      );
    if (b < 32 && b !== 9 && b !== 10 && b !== 13) control++;
  }
  if (control / sample.length > 0.05)
    throw new DataError(
      `${fileName} does not look like a text table (too many control characters). Export it as CSV and try again.`,
      'binary',
    );
}

export async function readCsv(input: File | string, fileName: string, opts: ReadOptions): Promise<RawTable> {
  const bytes = typeof input === 'string' ? input.length : input.size;
  const sample =
    typeof input === 'string'
      ? new TextEncoder().encode(input.slice(0, 65536))
      : new Uint8Array(await input.slice(0, 65536).arrayBuffer());
  assertLooksLikeText(sample, fileName);
  opts.signal?.throwIfAborted();

  let header: string[] | null = null;
  let builders: ColumnBuilder[] = [];
  let capacity = 0;
  let rows = 0;
  let dataRow = 0;
  const head: string[][] = [];
  const malformed: number[] = [];
  let malformedCount = 0;
  let delimiter = ',';

  const onRows = (data: string[][], cursor: number) => {
    for (const fields of data) {
      if (!header) {
        // A UTF-8 byte-order mark may survive decoding at the start of the first field.
        if (fields[0]) fields[0] = fields[0].replace(/^\uFEFF/, '');
        header = normalizeHeader(fields);
        // Rows in the file, estimated from the first chunk's average row length.
        capacity = Math.max(1024, Math.ceil((bytes / Math.max(1, cursor)) * data.length * 1.1));
        builders = header.map((h) => new ColumnBuilder(h, capacity));
        continue;
      }
      dataRow++;
      if (fields.length === 1 && fields[0]!.trim() === '') continue; // a blank line
      if (fields.length !== header.length) {
        malformedCount++;
        if (malformed.length < 1000) malformed.push(dataRow);
        continue;
      }
      if (rows === capacity) {
        capacity = Math.ceil(capacity * 1.6);
        for (const b of builders) b.grow(capacity);
      }
      for (let c = 0; c < fields.length; c++) builders[c]!.push(rows, fields[c]!);
      if (head.length < 20) head.push(fields);
      rows++;
    }
  };

  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(input as File, {
      header: false,
      skipEmptyLines: 'greedy',
      chunkSize: 4 * 1024 * 1024,
      chunk: (results, parser) => {
        if (opts.signal?.aborted) {
          parser.abort(); // calls complete; the rejection follows below
          return;
        }
        if (results.meta.delimiter) delimiter = results.meta.delimiter;
        onRows(results.data, results.meta.cursor);
        opts.onProgress?.(Math.min(1, results.meta.cursor / Math.max(1, bytes)));
      },
      complete: () => resolve(),
      error: (err: Error) => reject(new DataError(`${fileName} could not be read: ${err.message}`, 'unsupported')),
    });
  });
  opts.signal?.throwIfAborted();

  if (!header)
    throw new DataError(
      `${fileName} is empty. Choose a CSV file with a header row and at least one data row.`,
      'empty',
    );
  if (malformedCount && !opts.skipMalformed) {
    throw new DataError(
      malformedRows(fileName, malformed, malformedCount, (header as string[]).length),
      'malformed-rows',
    );
  }
  if (rows === 0)
    throw new DataError(
      `${fileName} has a header but no data rows. Add rows below the header and try again.`,
      'no-rows',
    );
  return {
    fileName,
    bytes,
    delimiter,
    rows,
    columns: builders.map((b) => b.finish(rows)),
    head,
    malformedRows: malformed,
    malformedCount,
  };
}

/** Rows whose field count differs from the header's: which ones (the first 8) and what to do. */
function malformedRows(fileName: string, rows: number[], count: number, headerFields: number): string {
  const many = count > 1;
  const list = `${rows.slice(0, 8).join(', ')}${count > 8 ? ', …' : ''}`;
  return (
    `${fileName}: ${count} row${many ? 's have' : ' has'} a different number of fields than the header's ` +
    `${headerFields} (data row${many ? 's' : ''} ${list}). Fix ${many ? 'them' : 'it'} in the file, ` +
    'or load again skipping malformed rows.'
  );
}
