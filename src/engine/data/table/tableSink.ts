// What both CSV readers fill (the scanner, and papaparse for odd quoting): the header, a
// ColumnBuilder per column, the first rows for the preview, and the rows skipped as malformed.
import { DataError } from '../errors';
import type { BuiltColumn } from './columnBuilder';

export type RawColumn = BuiltColumn;

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

export const HEAD_ROWS = 20;

interface Builder {
  grow(capacity: number): void;
  finish(rows: number): BuiltColumn;
}

export class TableSink<B extends Builder> {
  header: string[] | null = null;
  builders: B[] = [];
  capacity = 0;
  rows = 0;
  /** Non-blank rows after the header, counted for the malformed rows' numbers. */
  dataRow = 0;
  head: string[][] = [];
  malformed: number[] = [];
  malformedCount = 0;

  constructor(private readonly column: (name: string, capacity: number) => B) {}

  /** The first non-blank row: the header. `capacity` is the estimated number of rows. */
  start(fields: string[], capacity: number): void {
    // A UTF-8 byte-order mark may survive decoding at the start of the first field.
    if (fields[0]) fields[0] = fields[0].replace(/^\uFEFF/, '');
    this.header = normalizeHeader(fields);
    this.capacity = capacity;
    this.builders = this.header.map((h) => this.column(h, capacity));
  }

  /** Counts a data row; false (and noted) when its field count differs from the header's. */
  accept(fields: number): boolean {
    this.dataRow++;
    if (fields !== this.builders.length) {
      this.malformedCount++;
      if (this.malformed.length < 1000) this.malformed.push(this.dataRow);
      return false;
    }
    if (this.rows === this.capacity) {
      this.capacity = Math.ceil(this.capacity * 1.6);
      for (const b of this.builders) b.grow(this.capacity);
    }
    return true;
  }

  result(fileName: string, bytes: number, delimiter: string, skipMalformed: boolean): RawTable {
    if (!this.header)
      throw new DataError(
        `${fileName} is empty. Choose a CSV file with a header row and at least one data row.`,
        'empty',
      );
    if (this.malformedCount && !skipMalformed)
      throw new DataError(
        malformedRows(fileName, this.malformed, this.malformedCount, this.header.length),
        'malformed-rows',
      );
    if (this.rows === 0)
      throw new DataError(
        `${fileName} has a header but no data rows. Add rows below the header and try again.`,
        'no-rows',
      );
    return {
      fileName,
      bytes,
      delimiter,
      rows: this.rows,
      columns: this.builders.map((b) => b.finish(this.rows)),
      head: this.head,
      malformedRows: this.malformed,
      malformedCount: this.malformedCount,
    };
  }
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
