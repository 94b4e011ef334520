// Reads a CSV/TSV (File or string) into typed columns, without ever holding the rows as objects:
// per column a float32 value (NaN when missing or not a number), a missing mask, and category
// codes while the column has few distinct values (columnBuilder.ts). The file is decoded in 4 MB
// chunks and read by a typed scanner (csvScan.ts) in one pass per chunk; papaparse guesses the
// delimiter and line end, and reads the rare file whose quoting the scanner leaves to it.
import { DataError } from '../errors';
import { ByteColumnBuilder } from './byteColumn';
import { CsvScanner, IRREGULAR, countLines, guessDialect, type Dialect } from './csvScan';
import { CHUNK_BYTES, readCsvPapa, type ReadOptions } from './readCsvPapa';
import { TableSink, type RawColumn, type RawTable } from './tableSink';

export { cleanCell, isMissingCell, DISTINCT_CAP, MISSING_TOKENS, type CellTexts } from './columnBuilder';
export { normalizeHeader, type RawColumn, type RawTable } from './tableSink';
export type { ReadOptions } from './readCsvPapa';

export const tableName = (raw: RawTable) => raw.fileName.replace(/\.(csv|tsv|txt)$/i, '');
export const tableDescription = (raw: RawTable) =>
  `${raw.fileName}: ${raw.rows.toLocaleString('en-US')} rows × ${raw.columns.length} columns`;

/** A cell of a column as read (trimmed; "" when missing). */
export function cellText(col: RawColumn, row: number): string {
  if (col.codes) {
    const code = col.codes[row]!;
    return code < 0 ? '' : col.dict[code]!;
  }
  return col.texts && row < col.texts.rows ? col.texts.get(row) : '';
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
  const sample =
    typeof input === 'string'
      ? new TextEncoder().encode(input.slice(0, 65536))
      : new Uint8Array(await input.slice(0, 65536).arrayBuffer());
  assertLooksLikeText(sample, fileName);
  opts.signal?.throwIfAborted();
  let reached = 0;
  const table = await scanCsv(input, fileName, {
    ...opts,
    onProgress: (f) => opts.onProgress?.((reached = f)),
  });
  if (table) return table;
  // Quoting the scanner leaves to papaparse, or a string that is not well-formed UTF-16: papaparse
  // reads the file from the start, and the progress goes on from where the scan stopped.
  return readCsvPapa(input, fileName, {
    ...opts,
    onProgress: (f) => opts.onProgress?.(reached + (1 - reached) * f),
  });
}

/** A lone surrogate: such a string would not survive UTF-8 (papaparse reads it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Reads with the scanner; null when the file has quoting only papaparse reads its way (text after
 * a closing quote, a quote never closed). Exported for the tests, which compare it with papaparse
 * and may cut the chunks into `pieces` of that many bytes (to cross chunk edges anywhere).
 */
export async function scanCsv(
  input: File | string,
  fileName: string,
  opts: ReadOptions,
  pieces = 0,
): Promise<RawTable | null> {
  if (typeof input === 'string' && LONE_SURROGATE.test(input)) return null;
  const size = typeof input === 'string' ? input.length : input.size;
  const sink = new TableSink((name, capacity) => new ByteColumnBuilder(name, capacity));
  let scanner: CsvScanner | null = null;
  let dialect: Dialect | null = null;
  let carry: Uint8Array | null = null;
  for await (const { bytes, done, final } of chunks(input, fileName)) {
    opts.signal?.throwIfAborted();
    let b = bytes;
    if (carry && !pieces) {
      b = new Uint8Array(carry.length + bytes.length);
      b.set(carry);
      b.set(bytes, carry.length);
    }
    if (!scanner) {
      const d = guessDialect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(b));
      const firstBytes = done;
      dialect = d;
      // Rows in the file, estimated from the first chunk's line ends.
      scanner = new CsvScanner(d, sink, (chunk) =>
        Math.max(
          1024,
          Math.ceil((size / Math.max(1, firstBytes)) * (countLines(chunk, chunk.length, d.newline) + 1) * 1.1),
        ),
      );
    }
    if (pieces > 0) {
      // Tests: the chunk in small pieces, each scanned with what the last one left.
      for (let at = 0; at < b.length; at += pieces) {
        let p = b.subarray(at, at + pieces);
        if (carry) {
          p = new Uint8Array(carry.length + p.length);
          p.set(carry);
          p.set(b.subarray(at, at + pieces), carry.length);
        }
        const used = scanner.scan(p, p.length, final && at + pieces >= b.length);
        if (used === IRREGULAR) return null;
        carry = used < p.length ? p.slice(used) : null;
      }
      if (!b.length) scanner.scan(b, 0, final);
      continue;
    }
    const used = scanner.scan(b, b.length, final);
    if (used === IRREGULAR) return null;
    carry = used < b.length ? b.slice(used) : null;
    opts.onProgress?.(Math.min(1, done / Math.max(1, size)));
  }
  opts.signal?.throwIfAborted();
  return sink.result(fileName, size, dialect?.delimiter ?? ',', opts.skipMalformed);
}

/**
 * The input as UTF-8 in chunks of about 4 MB, less a leading byte-order mark (as the decoders and
 * papaparse drop it), with how much of the input (bytes; characters for a string) is read.
 */
async function* chunks(
  input: File | string,
  fileName: string,
): AsyncGenerator<{ bytes: Uint8Array; done: number; final: boolean }> {
  if (typeof input === 'string') {
    const encoder = new TextEncoder();
    let at = input.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (at === input.length) yield { bytes: new Uint8Array(0), done: at, final: true };
    while (at < input.length) {
      let end = Math.min(input.length, at + CHUNK_BYTES);
      // Not between the two halves of a surrogate pair.
      if (end < input.length && (input.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++;
      yield { bytes: encoder.encode(input.slice(at, end)), done: end, final: end === input.length };
      at = end;
    }
    return;
  }
  const read = (at: number) =>
    input
      .slice(at, Math.min(input.size, at + CHUNK_BYTES))
      .arrayBuffer()
      .catch((err: unknown) => {
        throw new DataError(
          `${fileName} could not be read: ${err instanceof Error ? err.message : String(err)}`,
          'unsupported',
        );
      });
  // The next two chunks are read while this one is scanned.
  const ahead: Promise<ArrayBuffer>[] = [];
  let requested = 0;
  const request = () => {
    if (requested < input.size) {
      const chunk = read(requested);
      // A read left behind (the scan stopped: aborted, or quoting left to papaparse) must not
      // surface as an unhandled rejection; the one awaited still throws.
      chunk.catch(() => undefined);
      ahead.push(chunk);
    }
    requested += CHUNK_BYTES;
  };
  request();
  request();
  for (let at = 0; ahead.length;) {
    const buffer: ArrayBuffer = await ahead.shift()!;
    request();
    let bytes = new Uint8Array(buffer);
    if (at === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    at += buffer.byteLength;
    const final = at >= input.size || buffer.byteLength === 0;
    yield { bytes, done: at, final };
    if (final) return;
  }
}
