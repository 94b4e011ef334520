// The worker's current dataset and where it came from. A new dataset replaces the current one
// only once it has fully loaded, so a bad file never loses what was there.
import { summarize, type Dataset } from '../../engine/data/dataset';
import type { Post } from '../post';
import { buildImageDataset } from '../../engine/data/images/build';
import { readZipImages, type ImageEntry } from '../../engine/data/images/files';
import { buildTableDataset, withDefaultLabel } from '../../engine/data/table/buildTable';
import { readCsv, type RawTable } from '../../engine/data/table/readCsv';
import { DEFAULT_IMAGE_OPTIONS, DEFAULT_TABLE_OPTIONS } from '../../shared/defaults';
import type { BuiltinDatasetName, ImageOptions, TableOptions } from '../../shared/types/datasets';
import { decodeImages } from './decodeImages';
import { loadCurrentDataset, saveCurrentDataset, type SavedSource } from './persist';
import { classifyUpload } from './upload';

type Source =
  | { kind: 'builtin'; name: BuiltinDatasetName }
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

interface DatasetHost {
  progress(phase: string, fraction: number): void;
  warn(message: string): void;
  loadBuiltin(name: BuiltinDatasetName): Promise<Dataset>;
}

/** The worker's dataset holder: the current dataset, the load in progress, and their events. */
export class DatasetManager {
  dataset: Dataset | null = null;
  /** What is loading now (shown to the user), or null. */
  loading: string | null = null;
  private source: Source | null = null;
  private readonly host: DatasetHost;
  private lastProgress = { phase: '', fraction: -1 };

  constructor(
    private readonly post: Post,
    loadBuiltin: (name: BuiltinDatasetName) => Promise<Dataset>,
  ) {
    this.host = {
      loadBuiltin,
      warn: (message) => post({ type: 'warning', message }),
      progress: (phase, fraction) => {
        // At most one message per percent.
        if (phase === this.lastProgress.phase && Math.abs(fraction - this.lastProgress.fraction) < 0.01) return;
        this.lastProgress = { phase, fraction };
        post({ type: 'datasetProgress', phase, fraction });
      },
    };
  }

  /** The previous dataset stays until the new one has loaded, so a failure loses nothing. */
  async change(name: string, load: () => Promise<Dataset>): Promise<void> {
    if (this.loading) throw new Error(`${this.loading} is still loading; wait for it to finish, then try again.`);
    this.loading = name;
    this.lastProgress = { phase: '', fraction: -1 };
    this.post({ type: 'datasetLoading', name });
    try {
      const ds = await load();
      this.post({ type: 'datasetLoaded', summary: summarize(ds) });
    } finally {
      this.loading = null;
      this.post({ type: 'datasetLoading', name: '' });
    }
  }

  /** The dataset of the last visit, or `fallback` when there is none (or it cannot be read). */
  async restore(fallback: BuiltinDatasetName): Promise<Dataset> {
    try {
      const saved = await loadCurrentDataset();
      if (saved?.source.kind === 'builtin') return await this.loadBuiltin(saved.source.name);
      if (saved?.dataset) {
        const s = saved.source;
        const source: Source =
          s.kind === 'table'
            ? { ...s, raw: null }
            : s.kind === 'images'
              ? { ...s, zip: s.files.length === 1 && /\.zip$/i.test(s.paths[0] ?? ''), entries: null, ignored: [] }
              : s;
        this.dataset = saved.dataset;
        this.source = source;
        return saved.dataset;
      }
    } catch (e) {
      this.host.warn(
        `The dataset of your last visit could not be read back (${e instanceof Error ? e.message : String(e)}); ${fallback} is loaded instead.`,
      );
    }
    return this.loadBuiltin(fallback);
  }

  async loadBuiltin(name: BuiltinDatasetName): Promise<Dataset> {
    return this.commit(await this.host.loadBuiltin(name), { kind: 'builtin', name });
  }

  async loadFiles(
    files: File[],
    paths: string[],
    tableOptions: Partial<TableOptions> = {},
    imageOptions: ImageOptions = DEFAULT_IMAGE_OPTIONS,
  ): Promise<Dataset> {
    const upload = classifyUpload(files, paths);
    if (upload.kind === 'table') {
      const raw = await this.read(upload.file, upload.file.name, !!tableOptions.skipMalformed);
      const options: TableOptions = {
        ...DEFAULT_TABLE_OPTIONS,
        ...tableOptions,
        label: withDefaultLabel(raw, tableOptions),
      };
      return this.commit(this.buildTable(raw, options), {
        kind: 'table',
        file: upload.file,
        fileName: upload.file.name,
        raw,
        options,
      });
    }
    const zip = upload.kind === 'zip';
    const name = zip ? upload.file.name.replace(/\.zip$/i, '') : upload.name;
    const { entries, ignored } = zip
      ? await readZipImages(upload.file, upload.file.name, undefined, (f) => this.host.progress('Unpacking', f))
      : upload;
    const ds = await this.buildImages(name, entries, ignored, imageOptions);
    return this.commit(ds, {
      kind: 'images',
      name,
      files: zip ? [upload.file] : files,
      paths: zip ? [upload.file.name] : paths,
      zip,
      entries,
      ignored,
      options: imageOptions,
    });
  }

  async configureTable(options: TableOptions): Promise<Dataset> {
    const s = this.source;
    if (s?.kind !== 'table') throw new Error('The current dataset is not an uploaded table.');
    const raw =
      s.raw && s.options.skipMalformed === options.skipMalformed
        ? s.raw
        : await this.read(s.file, s.fileName, options.skipMalformed);
    return this.commit(this.buildTable(raw, options), { ...s, raw, options });
  }

  async configureImages(options: ImageOptions): Promise<Dataset> {
    const s = this.source;
    if (s?.kind !== 'images') throw new Error('The current dataset is not an uploaded set of images.');
    let { entries, ignored } = s;
    if (!entries) {
      // After a reload only the source files are at hand: read them again.
      const again = s.zip ? await readZipImages(s.files[0]!, s.paths[0]!) : classifyUpload(s.files as File[], s.paths);
      if (!('entries' in again)) throw new Error('The saved images could not be read again; load them anew.');
      ({ entries, ignored } = again);
    }
    return this.commit(await this.buildImages(s.name, entries, ignored, options), { ...s, entries, ignored, options });
  }

  private async read(file: Blob, fileName: string, skipMalformed: boolean): Promise<RawTable> {
    this.host.progress('Reading', 0);
    return readCsv(file as File, fileName, { skipMalformed, onProgress: (f) => this.host.progress('Reading', f) });
  }

  private buildTable(raw: RawTable, options: TableOptions): Dataset {
    this.host.progress('Preparing features', 1);
    return buildTableDataset(raw, options);
  }

  private async buildImages(
    name: string,
    entries: ImageEntry[],
    ignored: string[],
    options: ImageOptions,
  ): Promise<Dataset> {
    const decoded = await decodeImages(name, entries, options, (f) => this.host.progress('Decoding images', f));
    decoded.skipped.push(...ignored.map((p) => (p.includes('(') ? p : `${p} (not an image)`)));
    return buildImageDataset(decoded);
  }

  private saving: Promise<void> = Promise.resolve();

  private commit(ds: Dataset, source: Source): Dataset {
    this.dataset = ds;
    this.source = source;
    // Writes are chained so that the last dataset loaded is the one saved.
    this.saving = this.saving.then(() => this.persist(ds, source));
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
      this.host.warn(
        `${ds.name} is loaded, but could not be saved for your next visit (${e instanceof Error ? e.message : String(e)}). Free some browser storage to keep it across reloads.`,
      );
    }
  }
}
