// A typed CSV scanner over the file's bytes: one pass per chunk, fields found as byte ranges and
// handed to the columns as ranges (byteColumn.ts: numbers parsed from the digits, categories
// looked up by hashing their bytes), so a string is made only for the header, the preview rows
// and new distinct values. The delimiter, quote and line ends are ASCII, so UTF-8 needs no
// decoding to find them.
//
// It reads exactly what papaparse reads (readCsvPapa.ts): papaparse's own guesses of the
// delimiter and of the one line end of the file, RFC 4180 quotes (a quote only opens a field at
// its start; "" inside), blank rows skipped (papaparse's "greedy" test). Where papaparse repairs
// broken quoting its own way (text after a closing quote, a quote never closed) the scanner
// stops with IRREGULAR and readCsv has papaparse read the file.
import Papa from 'papaparse';
import { ByteColumnBuilder, decodeBytes } from './byteColumn';
import { HEAD_ROWS, TableSink } from './tableSink';

/** The row is not complete in this chunk: scanning resumes at its start with the next one. */
export const INCOMPLETE = -1;
/** Quoting papaparse would repair (text after a closing quote, a quote never closed). */
export const IRREGULAR = -2;

// Bytes the scanner reads by value (ASCII).
const QUOTE = 34; // "
const LF = 10; // \n
const CR = 13; // \r
const SPACE = 32;
const TAB = 9; // the whitespace run TAB..CR: \t \n \v \f \r
/** Bytes from here on are parts of multi-byte UTF-8 characters (decoded to be tested). */
const ASCII_END = 128;
/** Each field's kind (`fk`): its bytes as they are, quoted, or quoted with doubled quotes inside. */
const PLAIN = 0;
const QUOTED = 1;
const ESCAPED = 2;
const GUESS_CHARS = 1024 * 1024; // papaparse guesses the line end from the first megabyte

export interface Dialect {
  delimiter: string;
  newline: '\n' | '\r' | '\r\n';
}

/**
 * The delimiter and line end papaparse takes for a file whose first chunk is `first` (its own
 * guesses, on the start of the chunk: the line end from the first megabyte, the delimiter from
 * the first ten rows).
 */
export function guessDialect(first: string): Dialect {
  let sample = first.length > GUESS_CHARS ? first.slice(0, GUESS_CHARS) : first;
  // Ten rows may not fit in a megabyte (very long rows): then the whole chunk, as papaparse sees it.
  if (sample.length < first.length && lineEnds(sample, 40) < 40) sample = first;
  const meta = Papa.parse<string[]>(sample, { preview: 1, skipEmptyLines: 'greedy' }).meta;
  const newline = meta.linebreak === '\r\n' || meta.linebreak === '\r' ? meta.linebreak : '\n';
  return { delimiter: meta.delimiter || ',', newline };
}

function lineEnds(s: string, most: number): number {
  let n = 0;
  for (let i = 0; i < s.length && n < most; i++) {
    const c = s.charCodeAt(i);
    if (c === LF || c === CR) n++;
  }
  return n;
}

/** Line ends in b[0..end) (an estimate of its rows, for the columns' first allocation). */
export function countLines(b: Uint8Array, end: number, newline: string): number {
  const ch = newline === '\r' ? CR : LF;
  let n = 0;
  for (let i = b.indexOf(ch); i >= 0 && i < end; i = b.indexOf(ch, i + 1)) n++;
  return n;
}

const isSpaceByte = (c: number) => c === SPACE || (c >= TAB && c <= CR);

export class CsvScanner {
  private readonly delim: number;
  private readonly nl: number; // first character of the line end
  private readonly crlf: boolean;
  // The fields of the row being read: start, end and kind (0 plain, 1 quoted, 2 quoted with "").
  private fs = new Int32Array(64);
  private fe = new Int32Array(64);
  private fk = new Uint8Array(64);
  private nf = 0;
  private unescaped = new Uint8Array(1024);

  constructor(
    dialect: Dialect,
    readonly sink: TableSink<ByteColumnBuilder>,
    /** Rows expected in the file, given the chunk holding the header. */
    private readonly estimateRows: (chunk: Uint8Array) => number,
  ) {
    this.delim = dialect.delimiter.charCodeAt(0);
    this.nl = dialect.newline.charCodeAt(0);
    this.crlf = dialect.newline === '\r\n';
  }

  /**
   * Reads the complete rows of b[0..len) (all of them when `final`); returns where the first
   * incomplete row starts (to be read again with the next chunk), or IRREGULAR.
   */
  scan(b: Uint8Array, len: number, final: boolean): number {
    let pos = 0;
    while (pos < len) {
      const next = this.scanRow(b, pos, len, final);
      if (next < 0) return next === INCOMPLETE ? pos : IRREGULAR;
      this.row(b);
      pos = next;
    }
    return len;
  }

  /** Room for twice as many fields. */
  private moreFields(): void {
    const n = this.fs.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(a: T, to: T): T => (to.set(a), to);
    this.fs = grow(this.fs, new Int32Array(n));
    this.fe = grow(this.fe, new Int32Array(n));
    this.fk = grow(this.fk, new Uint8Array(n));
  }

  /** Finds the fields of the row at `pos`; returns where the next row starts, or INCOMPLETE / IRREGULAR. */
  private scanRow(b: Uint8Array, pos: number, len: number, final: boolean): number {
    const delim = this.delim;
    const nl = this.nl;
    const crlf = this.crlf;
    let fs = this.fs;
    let fe = this.fe;
    let nf = 0;
    for (; ; nf++) {
      if (nf === fs.length) {
        this.moreFields();
        fs = this.fs;
        fe = this.fe;
      }
      this.nf = nf + 1; // the field being read (stored below)
      if (pos < len && b[pos] === QUOTE) {
        let from = pos + 1;
        let kind = QUOTED;
        for (;;) {
          const q = b.indexOf(QUOTE, from);
          if (q < 0 || q >= len) return final ? IRREGULAR : INCOMPLETE;
          fs[nf] = pos + 1;
          fe[nf] = q;
          this.fk[nf] = kind;
          if (q + 1 >= len) return final ? len : INCOMPLETE; // a closing quote at the very end of the file
          const c = b[q + 1]!;
          if (c === QUOTE) {
            this.fk[nf] = kind = ESCAPED;
            from = q + 2;
            continue;
          }
          if (c === delim) {
            pos = q + 2;
            break;
          }
          if (c !== nl) return IRREGULAR;
          if (!crlf) return q + 2;
          if (q + 2 >= len) return final ? IRREGULAR : INCOMPLETE;
          return b[q + 2] === LF ? q + 3 : IRREGULAR;
        }
        continue;
      }
      this.fk[nf] = PLAIN;
      fs[nf] = pos;
      let i = pos;
      for (;;) {
        if (i >= len) {
          fe[nf] = len;
          return final ? len : INCOMPLETE;
        }
        const c = b[i]!;
        if (c === delim) break;
        if (c === nl) {
          if (!crlf) {
            fe[nf] = i;
            return i + 1;
          }
          if (i + 1 < len) {
            if (b[i + 1] === LF) {
              fe[nf] = i;
              return i + 2;
            }
          } else if (!final) return INCOMPLETE;
          // A lone \r in a file of \r\n line ends is part of the field.
        }
        i++;
      }
      fe[nf] = i;
      pos = i + 1;
    }
  }

  /** Field f with its doubled quotes undone, in this.unescaped[0..returned). */
  private unescape(b: Uint8Array, f: number): number {
    const start = this.fs[f]!;
    const end = this.fe[f]!;
    if (this.unescaped.length < end - start) this.unescaped = new Uint8Array(end - start);
    const out = this.unescaped;
    let n = 0;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      out[n++] = c;
      if (c === QUOTE) i++; // "" (the scanner found them in pairs)
    }
    return n;
  }

  private text(b: Uint8Array, f: number): string {
    if (this.fk[f] !== ESCAPED) return decodeBytes(b, this.fs[f]!, this.fe[f]!);
    const n = this.unescape(b, f); // first: it may replace this.unescaped with a larger buffer
    return decodeBytes(this.unescaped, 0, n);
  }

  /** Whether every field of the row is blank (papaparse's greedy test: the joined fields trim to ""). */
  private blank(b: Uint8Array): boolean {
    for (let f = 0; f < this.nf; f++) {
      if (this.fk[f] === ESCAPED) return false; // holds a quote
      const start = this.fs[f]!;
      const end = this.fe[f]!;
      for (let i = start; i < end; i++) {
        const c = b[i]!;
        if (isSpaceByte(c)) continue;
        if (c < ASCII_END) return false;
        if (decodeBytes(b, start, end).trim() !== '') return false;
        break;
      }
    }
    return true;
  }

  private row(b: Uint8Array): void {
    const sink = this.sink;
    const nf = this.nf;
    const fs = this.fs;
    const fe = this.fe;
    const fk = this.fk;
    // Blank rows are skipped (one byte read in most rows: the first field's first).
    const c0 = fe[0]! > fs[0]! ? b[fs[0]!]! : SPACE;
    if ((c0 <= SPACE || c0 >= ASCII_END) && this.blank(b)) return;
    if (!sink.header) {
      const fields: string[] = [];
      for (let f = 0; f < nf; f++) fields.push(this.text(b, f));
      sink.start(fields, this.estimateRows(b));
      return;
    }
    if (!sink.accept(nf)) return;
    const row = sink.rows;
    const builders = sink.builders;
    for (let f = 0; f < nf; f++) {
      if (fk[f] === ESCAPED) {
        const n = this.unescape(b, f); // first: it may replace this.unescaped with a larger buffer
        builders[f]!.push(row, this.unescaped, 0, n);
      } else builders[f]!.push(row, b, fs[f]!, fe[f]!);
    }
    if (sink.head.length < HEAD_ROWS) {
      const fields: string[] = [];
      for (let f = 0; f < nf; f++) fields.push(this.text(b, f));
      sink.head.push(fields);
    }
    sink.rows++;
  }
}
