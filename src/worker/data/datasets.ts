// The worker's current dataset and where it came from. A new dataset replaces the current one
// only once it has fully loaded, so a bad file never loses what was there; a newer choice cancels
// a load in flight.
import { summarize, type Dataset } from '../../engine/data/dataset';
import type { Post } from '../post';
import { errorMessage } from '../../shared/format';
import { buildImageDataset } from '../../engine/data/images/build';
import { isImageName, noImages, readZipEntries, readZipImages, type ImageEntry } from '../../engine/data/images/files';
import { buildTableDataset, withDefaultLabel } from '../../engine/data/table/buildTable';
import { readCsv, type RawTable } from '../../engine/data/table/readCsv';
import { DEFAULT_IMAGE_OPTIONS, DEFAULT_TABLE_OPTIONS } from '../../shared/defaults';
import type { BuiltinDatasetName, ImageOptions, TableOptions } from '../../shared/types/datasets';
import { decodeImages } from './decodeImages';
import { loadCurrentDataset, saveCurrentDataset, type SavedSource } from './persist';
import { classifyUpload } from './upload';
import {
  CORPUS_COLUMNS,
  corpusFromFiles,
  corpusFromLines,
  isTextName,
  type Corpus,
} from '../../engine/data/text/corpus';

type Source =
  | { kind: 'builtin'; name: BuiltinDatasetName; options?: TableOptions }
  | { kind: 'table'; file: Blob; fileName: string; raw: RawTable | null; options: TableOptions }
  | {
      kind: 'images';
      name: string;
      files: Blob[];
      paths: string[];
      zip: boolean;
      entries: ImageEntry[] | null;
      ignored: string[];
      options: ImageOptions;
    };

/** Settles when `p` does, or as soon as `signal` aborts. */
function settledOrAborted(p: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
    void p.then(resolve);
  });
}

/**
 * The worker's dataset holder: the current dataset, the load in progress, and their events.
 *
 * The newest choice wins: `change()` cancels the load in flight (its AbortSignal aborts), waits for
 * it to stop (at most one load runs), then runs the new one. A superseded load ends quietly: no
 * summary, progress or "done loading" event of it arrives later, its request answers as done, and
 * it never becomes current or reaches IndexedDB.
 */
export class DatasetManager {
  dataset: Dataset | null = null;
  private source: Source | null = null;
  /** The newest load (shown to the user), until it ends. */
  private active: { name: string; controller: AbortController } | null = null;
  /** Settles when every load started so far has ended, cancelled ones included. */
  private settled: Promise<void> = Promise.resolve();
  /** Loads started and not ended yet (cancelled ones included). */
  private running = 0;
  /** The last progress posted, and when its phase began (the UI estimates the time left from it). */
  private lastProgress = { phase: '', fraction: -1, phaseStart: 0 };
  /** Counts commits: a queued write of a dataset that is no longer the newest is skipped. */
  private commits = 0;
  private saving: Promise<void> = Promise.resolve();
  /** The fallback of a start-up restore that a newer choice cancelled (see `change`). */
  private cutRestore: BuiltinDatasetName | null = null;

  constructor(
    private readonly post: Post,
    /** Fetches a built-in dataset (a table one with `options`); stops (rejects) when `signal` aborts. */
    private readonly fetchBuiltin: (
      name: BuiltinDatasetName,
      signal?: AbortSignal,
      options?: TableOptions,
    ) => Promise<Dataset>,
  ) {}

  /** What is loading now (shown to the user), or null. */
  get loading(): string | null {
    return this.active?.name ?? null;
  }

  /**
   * Loads a dataset with `load` (one of the loaders below, given this load's signal) and makes it
   * current.
   * Supersedes a load in flight. The previous dataset stays until the new one has loaded, so a
   * failure loses nothing; a failure rejects, a superseded load resolves.
   */
  async change(name: string, load: (signal: AbortSignal) => Promise<Dataset>): Promise<void> {
    this.active?.controller.abort(new DOMException(`${this.active.name} was superseded by ${name}.`, 'AbortError'));
    const mine = { name, controller: new AbortController() };
    const signal = mine.controller.signal;
    this.active = mine;
    this.lastProgress = { phase: '', fraction: -1, phaseStart: 0 };
    this.post({ type: 'datasetLoading', name });
    const previous = this.running ? this.settled : null;
    let ended!: () => void;
    const own = new Promise<void>((resolve) => (ended = resolve));
    this.settled = previous ? Promise.all([previous, own]).then(() => undefined) : own;
    this.running++;
    try {
      // The superseded load stops at its next check; only then does this one start.
      if (previous) await settledOrAborted(previous, signal);
      signal.throwIfAborted();
      const ds = await load(signal);
      // Superseded after it became current (the newer load has not replaced it yet): still the truth.
      if (!signal.aborted || this.dataset === ds) this.post({ type: 'datasetLoaded', summary: summarize(ds) });
    } catch (e) {
      if (signal.aborted) return; // superseded: whatever it ran into no longer matters
      // The choice that cut the start-up restore short failed, and there is no dataset at all:
      // the restore goes on (after this load's events), so the studio is not left empty.
      const fallback = this.cutRestore;
      if (fallback && !this.dataset)
        queueMicrotask(
          () => void this.change('your last dataset', (s) => this.restore(fallback, s)).catch(() => undefined),
        );
      throw e;
    } finally {
      this.running--;
      ended();
      if (this.active === mine) {
        this.active = null;
        this.post({ type: 'datasetLoading', name: '' });
      }
    }
  }

  /** `done` of `total`: items counted (images decoded), shown with the percentage when known. */
  private progress(signal: AbortSignal, phase: string, fraction: number, done?: number, total?: number): void {
    if (signal.aborted) return; // a superseded load reports nothing
    const last = this.lastProgress;
    // At most one message per percent.
    if (phase === last.phase && Math.abs(fraction - last.fraction) < 0.01) return;
    const phaseStart = phase === last.phase ? last.phaseStart : performance.now();
    this.lastProgress = { phase, fraction, phaseStart };
    const elapsedMs = Math.round(performance.now() - phaseStart);
    this.post({
      type: 'datasetProgress',
      phase,
      fraction,
      elapsedMs,
      ...(done !== undefined && total !== undefined ? { done, total } : {}),
    });
  }

  private warn(message: string): void {
    this.post({ type: 'warning', message });
  }

  /** The dataset of the last visit, or `fallback` when there is none (or it cannot be read). */
  async restore(fallback: BuiltinDatasetName, signal: AbortSignal): Promise<Dataset> {
    this.cutRestore = null;
    signal.addEventListener('abort', () => (this.cutRestore = fallback), { once: true });
    try {
      const saved = await loadCurrentDataset();
      signal.throwIfAborted();
      if (saved?.source.kind === 'builtin')
        return await this.loadBuiltin(saved.source.name, signal, saved.source.options);
      if (saved?.dataset) {
        const s = saved.source;
        const source: Source =
          s.kind === 'table'
            ? { ...s, raw: null }
            : s.kind === 'images'
              ? { ...s, zip: s.files.length === 1 && /\.zip$/i.test(s.paths[0] ?? ''), entries: null, ignored: [] }
              : s;
        // Already in IndexedDB: current again without a write.
        return this.commit(saved.dataset, source, signal, false);
      }
    } catch (e) {
      if (signal.aborted) throw e;
      this.warn(
        `The dataset of your last visit could not be read back (${errorMessage(e)}); ${fallback} is loaded instead.`,
      );
    }
    return this.loadBuiltin(fallback, signal);
  }

  async loadBuiltin(name: BuiltinDatasetName, signal: AbortSignal, options?: TableOptions): Promise<Dataset> {
    const ds = await this.fetchBuiltin(name, signal, options);
    return this.commit(ds, { kind: 'builtin', name, ...(options ? { options } : {}) }, signal);
  }

  async loadFiles(
    files: File[],
    paths: string[],
    tableOptions: Partial<TableOptions> = {},
    imageOptions: ImageOptions = DEFAULT_IMAGE_OPTIONS,
    signal: AbortSignal,
  ): Promise<Dataset> {
    const upload = classifyUpload(files, paths);
    if (upload.kind === 'table') {
      const raw = await this.read(upload.file, upload.file.name, !!tableOptions.skipMalformed, signal);
      const options: TableOptions = {
        ...DEFAULT_TABLE_OPTIONS,
        ...tableOptions,
        label: withDefaultLabel(raw, tableOptions),
      };
      const ds = this.buildTable(raw, options, signal);
      return this.commit(ds, { kind: 'table', file: upload.file, fileName: upload.file.name, raw, options }, signal);
    }
    if (upload.kind === 'corpus')
      return this.loadCorpus(
        corpusFromLines(new Uint8Array(await upload.file.arrayBuffer()), upload.file.name),
        tableOptions,
        signal,
      );
    if (upload.kind === 'texts') {
      const read = await Promise.all(
        upload.entries.map(async (e) => ({ path: e.path, data: new Uint8Array(await (e.data as Blob).arrayBuffer()) })),
      );
      const corpus = corpusFromFiles(read, upload.name);
      return this.loadCorpus({ ...corpus, ignored: [...upload.ignored, ...corpus.ignored] }, tableOptions, signal);
    }
    const zip = upload.kind === 'zip';
    const name = zip ? upload.file.name.replace(/\.zip$/i, '') : upload.name;
    let { entries, ignored } = zip
      ? await readZipEntries(
          upload.file,
          upload.file.name,
          undefined,
          (f) => this.progress(signal, 'Unpacking', f),
          signal,
          (n) => isImageName(n) || isTextName(n),
        )
      : upload;
    if (zip) {
      // A zip of .txt files (and no images) is a text dataset; otherwise its .txt files are left out.
      const texts = entries.filter((e) => isTextName(e.path));
      if (texts.length && texts.length === entries.length) {
        const corpus = corpusFromFiles(
          texts.map((e) => ({ path: e.path, data: e.data as Uint8Array })),
          name,
        );
        return this.loadCorpus({ ...corpus, ignored: [...ignored, ...corpus.ignored] }, tableOptions, signal);
      }
      if (!entries.length) throw noImages(upload.file.name, ignored, true);
      ignored = [...ignored, ...texts.map((e) => e.path)];
      entries = entries.filter((e) => !isTextName(e.path));
    }
    const ds = await this.buildImages(name, entries, ignored, imageOptions, signal);
    return this.commit(
      ds,
      {
        kind: 'images',
        name,
        files: zip ? [upload.file] : files,
        paths: zip ? [upload.file.name] : paths,
        zip,
        entries,
        ignored,
        options: imageOptions,
      },
      signal,
    );
  }

  /** Texts from .txt files, as a table with a text column (and the class folders' labels). */
  private async loadCorpus(corpus: Corpus, tableOptions: Partial<TableOptions>, signal: AbortSignal): Promise<Dataset> {
    const file = new File([corpus.csv], corpus.fileName, { type: 'text/csv' });
    const raw = await this.read(file, corpus.fileName, false, signal);
    const options: TableOptions = {
      ...DEFAULT_TABLE_OPTIONS,
      ...tableOptions,
      skipMalformed: false,
      label: corpus.labelled ? CORPUS_COLUMNS.label : '',
      roles: { [CORPUS_COLUMNS.text]: 'text' },
    };
    const ds = await this.commit(
      this.buildTable(raw, options, signal),
      { kind: 'table', file, fileName: corpus.fileName, raw, options },
      signal,
    );
    if (corpus.ignored.length)
      this.warn(
        `Left out of ${ds.name}: ${corpus.ignored.slice(0, 5).join(', ')}${corpus.ignored.length > 5 ? `, and ${corpus.ignored.length - 5} more` : ''}.`,
      );
    return ds;
  }

  async configureTable(options: TableOptions, signal: AbortSignal): Promise<Dataset> {
    const s = this.source;
    // A built-in table (iris, the mail corpus) is fetched again and built with the new choices.
    if (s?.kind === 'builtin' && this.dataset?.table) return this.loadBuiltin(s.name, signal, options);
    if (s?.kind !== 'table') throw new Error('The current dataset is not a table.');
    const raw =
      s.raw && s.options.skipMalformed === options.skipMalformed
        ? s.raw
        : await this.read(s.file, s.fileName, options.skipMalformed, signal);
    return this.commit(this.buildTable(raw, options, signal), { ...s, raw, options }, signal);
  }

  async configureImages(options: ImageOptions, signal: AbortSignal): Promise<Dataset> {
    const s = this.source;
    if (s?.kind !== 'images') throw new Error('The current dataset is not an uploaded set of images.');
    let { entries, ignored } = s;
    if (!entries) {
      // After a reload only the source files are at hand: read them again.
      const again = s.zip
        ? await readZipImages(s.files[0]!, s.paths[0]!, undefined, (f) => this.progress(signal, 'Unpacking', f), signal)
        : classifyUpload(s.files as File[], s.paths);
      if (!('entries' in again)) throw new Error('The saved images could not be read again; load them anew.');
      ({ entries, ignored } = again);
    }
    const ds = await this.buildImages(s.name, entries, ignored, options, signal);
    return this.commit(ds, { ...s, entries, ignored, options }, signal);
  }

  private async read(file: Blob, fileName: string, skipMalformed: boolean, signal: AbortSignal): Promise<RawTable> {
    this.progress(signal, 'Reading', 0);
    return readCsv(file as File, fileName, {
      skipMalformed,
      onProgress: (f) => this.progress(signal, 'Reading', f),
      signal,
    });
  }

  private buildTable(raw: RawTable, options: TableOptions, signal: AbortSignal): Dataset {
    signal.throwIfAborted();
    this.progress(signal, 'Preparing features', 1);
    return buildTableDataset(raw, options);
  }

  private async buildImages(
    name: string,
    entries: ImageEntry[],
    ignored: string[],
    options: ImageOptions,
    signal: AbortSignal,
  ): Promise<Dataset> {
    signal.throwIfAborted();
    const decoded = await decodeImages(
      name,
      entries,
      options,
      (f, done, total) => this.progress(signal, 'Decoding images', f, done, total),
      signal,
    );
    decoded.skipped.push(...ignored.map((p) => (p.includes('(') ? p : `${p} (not an image)`)));
    signal.throwIfAborted();
    return buildImageDataset(decoded);
  }

  /**
   * Makes a loaded dataset current, unless its load was superseded meanwhile (then it rejects with
   * the signal's reason and nothing changes). Writes are chained, and a write still queued when a
   * newer dataset is committed is skipped: IndexedDB ends with the newest.
   */
  private commit(ds: Dataset, source: Source, signal: AbortSignal, save = true): Dataset {
    signal.throwIfAborted();
    this.dataset = ds;
    this.source = source;
    const commit = ++this.commits;
    if (save) this.saving = this.saving.then(() => (commit === this.commits ? this.persist(ds, source) : undefined));
    return ds;
  }

  /** Resolves when the current dataset has been written (or failed to be). */
  flushed(): Promise<void> {
    return this.saving;
  }

  private async persist(ds: Dataset, source: Source): Promise<void> {
    const saved: SavedSource =
      source.kind === 'builtin'
        ? source
        : source.kind === 'table'
          ? { kind: 'table', file: source.file, fileName: source.fileName, options: source.options }
          : { kind: 'images', files: source.files, paths: source.paths, name: source.name, options: source.options };
    try {
      await saveCurrentDataset({
        version: 1,
        savedAt: Date.now(),
        source: saved,
        dataset: source.kind === 'builtin' ? undefined : ds,
      });
    } catch (e) {
      this.warn(
        `${ds.name} is loaded, but could not be saved for your next visit (${errorMessage(e)}). Free some browser storage to keep it across reloads.`,
      );
    }
  }
}
