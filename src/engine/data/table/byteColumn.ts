// A column read from the bytes of the file (the scanner in csvScan.ts), with exactly the outcome
// of ColumnBuilder reading the decoded strings: the same trimming (cleanCell), missing tokens,
// numbers (Number()), categories and texts. Numbers are parsed from the digits, and a category is
// found by hashing its bytes, so a string is made only for a new distinct value, and a cell is
// decoded only in the rare cases that need it (Unicode spaces, a number only Number() can read).
import { ColumnValues, DISTINCT_CAP, grown, type BuiltColumn, type CellTexts } from './columnBuilder';

// Keeps a U+FEFF at the start of a cell (only the file's first one is dropped, by the reader).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

/** The bytes s[start..end) as text (invalid UTF-8 replaced, as the decoders do). */
export function decodeBytes(b: Uint8Array, start: number, end: number): string {
  if (end - start < 24) {
    // Short ASCII (most cells): no decoder call.
    let s = '';
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c >= 128) return utf8.decode(b.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(b.subarray(start, end));
}

/** The ASCII characters String.prototype.trim removes. */
const isSpaceByte = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * Whether the UTF-8 sequence at b[i] is a character String.prototype.trim removes besides the
 * ASCII ones: U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF.
 */
function isUtf8Space(b: Uint8Array, i: number, end: number): boolean {
  const c = b[i]!;
  if (c === 0xc2) return i + 1 < end && b[i + 1] === 0xa0;
  if (i + 2 >= end) return false;
  const d = b[i + 1]!;
  const e = b[i + 2]!;
  if (c === 0xe2) {
    if (d === 0x80) return (e >= 0x80 && e <= 0x8a) || e === 0xa8 || e === 0xa9 || e === 0xaf;
    return d === 0x81 && e === 0x9f;
  }
  if (c === 0xe1) return d === 0x9a && e === 0x80;
  if (c === 0xe3) return d === 0x80 && e === 0x80;
  return c === 0xef && d === 0xbb && e === 0xbf;
}

/** Whether b[start..end) is well-formed UTF-8 (then decoding and encoding it again gives the same bytes). */
function isValidUtf8(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return false;
    if (i + n >= end) return false;
    const d = b[i + 1]!;
    if (d < lo || d > hi) return false;
    for (let k = 2; k <= n; k++) {
      const e = b[i + k]!;
      if (e < 0x80 || e > 0xbf) return false;
    }
    i += n + 1;
  }
  return true;
}

/**
 * The cells of a column with many distinct values (trimmed; "" when missing) as their UTF-8
 * bytes one after another, and each cell's length in a byte (255: the length is in `long`): no
 * string per cell, 1 byte per cell besides its text. Where each cell starts is worked out when a
 * cell is first read (most such columns are numbers, whose cells are never read as text).
 */
export class BytePool implements CellTexts {
  bytes: Uint8Array;
  length = 0;
  lengths: Uint8Array;
  /** Lengths of 255 bytes or more, in row order. */
  long: number[] = [];
  rows = 0;
  private starts: Int32Array | null = null;

  constructor(capacity: number, bytes: number) {
    this.lengths = new Uint8Array(capacity);
    this.bytes = new Uint8Array(Math.max(1024, bytes));
  }

  /** Room for `rows` rows in all. */
  grow(rows: number): void {
    this.lengths = grown(this.lengths, new Uint8Array(rows));
  }

  /** Room for n more bytes. */
  private reserve(n: number): void {
    const size = Math.max(this.length + n, Math.ceil(this.bytes.length * 1.6));
    this.bytes = grown(this.bytes.subarray(0, this.length), new Uint8Array(size));
  }

  /** The cell b[start..end) (the row after the last one pushed). */
  push(b: Uint8Array, start: number, end: number): void {
    const n = end - start;
    let at = this.length;
    if (at + n > this.bytes.length) this.reserve(n);
    const bytes = this.bytes;
    for (let i = start; i < end; i++) bytes[at++] = b[i]!;
    this.length = at;
    if (n < 255) this.lengths[this.rows++] = n;
    else {
      this.lengths[this.rows++] = 255;
      this.long.push(n);
    }
  }

  get(row: number): string {
    if (row >= this.rows) return '';
    if (!this.starts || this.starts.length !== this.rows + 1) {
      const starts = new Int32Array(this.rows + 1);
      for (let r = 0, at = 0, k = 0; r < this.rows; r++) {
        const n = this.lengths[r]!;
        at += n < 255 ? n : this.long[k++]!;
        starts[r + 1] = at;
      }
      this.starts = starts;
    }
    return decodeBytes(this.bytes, this.starts[row]!, this.starts[row + 1]!);
  }

  /** Trims the spare capacity (a copy only when it is large). */
  finish(): this {
    if (this.bytes.length > this.length * 1.25 + 65536) this.bytes = this.bytes.slice(0, this.length);
    if (this.lengths.length > this.rows * 1.25 + 16) this.lengths = this.lengths.slice(0, this.rows);
    return this;
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * numberIn's answer when only Number() can tell (hex, octal or binary, a Unicode space, more than
 * 15 digits or a power of ten beyond 22): the caller then decodes the cell and asks Number(). (The
 * decimal spellings it reads never give Infinity.)
 */
const ASK_NUMBER = Infinity;

/**
 * The number a cleaned cell spells, exactly as Number(cell) reads it, for the decimal spellings
 * ([+-]digits[.digits][e[+-]digits] with at most 15 significant digits and a power of ten within
 * ±22: one correctly rounded multiplication or division then gives Number()'s double). NaN where
 * Number() gives NaN or ±Infinity (neither is a number here); ASK_NUMBER for anything else.
 */
function numberIn(b: Uint8Array, start: number, end: number): number {
  let i = start;
  let c = b[i]!;
  let negative = false;
  if (c === 43 || c === 45) {
    negative = c === 45;
    c = ++i < end ? b[i]! : -1;
  }
  let mantissa = 0;
  let digits = 0; // significant digits taken
  let seen = false; // any digit at all
  let scale = 0; // power of ten of the mantissa's last digit
  while (c >= 48 && c <= 57) {
    seen = true;
    if (mantissa !== 0 || c !== 48) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
    }
    c = ++i < end ? b[i]! : -1;
  }
  if (c === 46) {
    c = ++i < end ? b[i]! : -1;
    while (c >= 48 && c <= 57) {
      seen = true;
      if (mantissa !== 0 || c !== 48) {
        mantissa = mantissa * 10 + (c - 48);
        digits++;
      }
      scale--;
      c = ++i < end ? b[i]! : -1;
    }
  }
  if (seen && (c === 101 || c === 69)) {
    c = ++i < end ? b[i]! : -1;
    let expNegative = false;
    if (c === 43 || c === 45) {
      expNegative = c === 45;
      c = ++i < end ? b[i]! : -1;
    }
    let exp = 0;
    let expDigits = 0;
    while (c >= 48 && c <= 57) {
      if (exp < 100000) exp = exp * 10 + (c - 48);
      expDigits++;
      c = ++i < end ? b[i]! : -1;
    }
    if (!expDigits) return notDecimal(b, start, i, end);
    scale += expNegative ? -exp : exp;
  }
  if (!seen || i < end) return notDecimal(b, start, i, end);
  if (mantissa === 0) return negative ? -0 : 0;
  if (digits > 15 || scale > 22 || scale < -22) return ASK_NUMBER;
  const v = scale >= 0 ? mantissa * POW10[scale]! : mantissa / POW10[-scale]!;
  return negative ? -v : v;
}

/**
 * The decimal spelling stopped at `at`: NaN for sure, unless a space Number() trims is there, or
 * x/o/b follows a leading 0 (then ASK_NUMBER). Reaching the end early is NaN: what was read
 * (digits, sign, point, exponent) holds neither.
 */
function notDecimal(b: Uint8Array, start: number, at: number, end: number): number {
  if (at >= end) return NaN;
  const c = b[at]!;
  if (
    isSpaceByte(c) ||
    (c >= 128 && isUtf8Space(b, at, end)) ||
    (at === start + 1 && b[start] === 48 && (c | 32) === 120) ||
    (at === start + 1 && b[start] === 48 && ((c | 32) === 111 || (c | 32) === 98))
  )
    return ASK_NUMBER;
  // "Infinity" with a sign ends up here too: NaN, as ±Infinity is no number here either.
  return NaN;
}

/** Lower case of an ASCII letter (other bytes unchanged). */
const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/**
 * Whether a cleaned cell of at most 4 bytes is a missing-value token ('', na, n/a, null, nan, ?,
 * none, -; any case). A cell with a non-ASCII byte never is: no such character lower-cases to
 * these letters.
 */
function missingIn(b: Uint8Array, start: number, n: number): boolean {
  if (n === 0) return true;
  const a = lower(b[start]!);
  if (n === 1) return a === 63 || a === 45; // ? -
  if (a !== 110) return false; // the others start with n
  const c1 = lower(b[start + 1]!);
  if (n === 2) return c1 === 97; // na
  const c2 = lower(b[start + 2]!);
  if (n === 3) return (c1 === 47 && c2 === 97) || (c1 === 97 && c2 === 110); // n/a nan
  const c3 = lower(b[start + 3]!);
  return (c1 === 117 && c2 === 108 && c3 === 108) || (c1 === 111 && c2 === 110 && c3 === 101); // null none
}

const TABLE_SIZE = 4096; // open addressing: a power of two, over twice DISTINCT_CAP

export class ByteColumnBuilder extends ColumnValues {
  dict: string[] = [];
  // The distinct values' bytes, one after another (keys[keyStart[k]..keyStart[k + 1])).
  private keys = new Uint8Array(4096);
  private keyStart = new Int32Array(DISTINCT_CAP + 1);
  private hashes = new Int32Array(DISTINCT_CAP);
  private slots = new Int32Array(TABLE_SIZE); // code + 1; 0 = empty
  private scratch = new Uint8Array(256);
  texts: BytePool | null = null;

  override grow(capacity: number): void {
    super.grow(capacity);
    this.texts?.grow(capacity);
  }

  /** The field b[start..end) of row `row`, as read (trimmed here as cleanCell trims). */
  push(row: number, b: Uint8Array, start: number, end: number): void {
    if (end > start && (b[start]! <= 32 || b[end - 1]! <= 32)) {
      while (start < end && isSpaceByte(b[start]!)) start++;
      while (end > start && isSpaceByte(b[end - 1]!)) end--;
      // trim() goes on through Unicode spaces: rare enough to decode.
      if (end > start && (b[start]! >= 128 || b[end - 1]! >= 128)) {
        const cell = decodeBytes(b, start, end).trim();
        const bytes = this.encoded(cell);
        this.pushClean(row, bytes, 0, bytes.length);
        return;
      }
    }
    this.pushClean(row, b, start, end);
  }

  private encoded(s: string): Uint8Array {
    if (this.scratch.length < s.length * 3) this.scratch = new Uint8Array(s.length * 3);
    const { written } = encoder.encodeInto(s, this.scratch);
    return this.scratch.subarray(0, written);
  }

  /** A trimmed cell. */
  private pushClean(row: number, b: Uint8Array, start: number, end: number): void {
    if (end - start <= 4 && missingIn(b, start, end - start)) {
      this.markMissing(row);
      if (!this.codes) this.texts?.push(b, start, start);
      return;
    }
    const first = b[start]!;
    // Only a digit, sign, point or a Unicode space (Number() trims it) can start a finite number.
    let n =
      (first >= 48 && first <= 57) || first === 45 || first === 46 || first === 43 || first >= 128
        ? numberIn(b, start, end)
        : NaN;
    if (n === ASK_NUMBER) n = Number(decodeBytes(b, start, end));
    this.markNumber(row, n);
    if (this.codes) this.code(row, b, start, end);
    else this.texts!.push(b, start, end);
  }

  private code(row: number, b: Uint8Array, start: number, end: number): void {
    let h = 0x811c9dc5 ^ (end - start);
    let any = 0;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      any |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (any >= 128 && !isValidUtf8(b, start, end)) {
      // Invalid UTF-8 reads as U+FFFD: cells that decode alike are one value, as with strings.
      const bytes = this.encoded(decodeBytes(b, start, end)).slice();
      this.code(row, bytes, 0, bytes.length);
      return;
    }
    h ^= h >>> 15;
    const slots = this.slots;
    const keys = this.keys;
    const keyStart = this.keyStart;
    let at = h & (TABLE_SIZE - 1);
    for (;;) {
      const slot = slots[at]!;
      if (slot === 0) break;
      const k = slot - 1;
      if (this.hashes[k] === h) {
        let i = keyStart[k]!;
        const kEnd = keyStart[k + 1]!;
        if (kEnd - i === end - start) {
          let j = start;
          while (i < kEnd && keys[i] === b[j]) {
            i++;
            j++;
          }
          if (i === kEnd) {
            this.codes![row] = k;
            this.counts[k]!++;
            return;
          }
        }
      }
      at = (at + 1) & (TABLE_SIZE - 1);
    }
    const codes = this.codes!;
    const size = this.dict.length;
    if (size >= DISTINCT_CAP) {
      // Too many distinct values to be a category: from here on the cells themselves are kept
      // (a text column reads them), the earlier ones recovered from their codes.
      let bytes = 0;
      for (let r = 0; r < row; r++) if (codes[r]! >= 0) bytes += keyStart[codes[r]! + 1]! - keyStart[codes[r]!]!;
      const texts = new BytePool(codes.length, Math.ceil((bytes / Math.max(1, row)) * codes.length * 1.1));
      for (let r = 0; r < row; r++) {
        const c = codes[r]!;
        if (c < 0) texts.push(keys, 0, 0);
        else texts.push(keys, keyStart[c]!, keyStart[c + 1]!);
      }
      texts.push(b, start, end);
      this.texts = texts;
      this.codes = null;
      return;
    }
    const from = keyStart[size]!;
    if (from + end - start > keys.length)
      this.keys = grown(keys, new Uint8Array(Math.max(keys.length * 2, from + end - start)));
    this.keys.set(b.subarray(start, end), from);
    keyStart[size + 1] = from + end - start;
    this.dict.push(decodeBytes(b, start, end));
    this.hashes[size] = h;
    slots[at] = size + 1;
    this.counts.push(1);
    codes[row] = size;
  }

  finish(rows: number): BuiltColumn {
    return this.built(rows, this.dict, this.texts?.finish() ?? null);
  }
}
