// The CSV reader on papaparse: a string per field. readCsv takes it for the files its scanner
// leaves (quoting that papaparse repairs in its own way: text after a closing quote, a quote never
// closed), and the tests take it as the reference the scanner must agree with.
import Papa from 'papaparse';
import { DataError } from '../errors';
import { ColumnBuilder } from './columnBuilder';
import { HEAD_ROWS, TableSink, type RawTable } from './tableSink';

export const CHUNK_BYTES = 4 * 1024 * 1024;

export interface ReadOptions {
  skipMalformed: boolean;
  onProgress?: (fraction: number) => void;
  /** Stops reading at the next chunk (a newer choice superseded this load); rejects with its reason. */
  signal?: AbortSignal;
}

/** Reads a table with papaparse (streaming, 4 MB chunks); the input has passed assertLooksLikeText. */
export async function readCsvPapa(input: File | string, fileName: string, opts: ReadOptions): Promise<RawTable> {
  const bytes = typeof input === 'string' ? input.length : input.size;
  const sink = new TableSink((name, capacity) => new ColumnBuilder(name, capacity));
  let delimiter = ',';

  const onRows = (data: string[][], cursor: number) => {
    for (const fields of data) {
      if (!sink.header) {
        // Rows in the file, estimated from the first chunk's average row length.
        sink.start(fields, Math.max(1024, Math.ceil((bytes / Math.max(1, cursor)) * data.length * 1.1)));
        continue;
      }
      if (!sink.accept(fields.length)) continue;
      for (let c = 0; c < fields.length; c++) sink.builders[c]!.push(sink.rows, fields[c]!);
      if (sink.head.length < HEAD_ROWS) sink.head.push(fields);
      sink.rows++;
    }
  };

  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(input as File, {
      header: false,
      skipEmptyLines: 'greedy',
      chunkSize: CHUNK_BYTES,
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
  return sink.result(fileName, bytes, delimiter, opts.skipMalformed);
}
