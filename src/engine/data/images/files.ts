// Image files from a zip (class folders), a picked folder, or loose files: which entries are
// images, what class each belongs to, and caps against zip bombs. No decoding here (see worker).
import { Unzip, UnzipInflate } from 'fflate';
import { errorMessage, formatBytes, type BytesFormat } from '../../../shared/format';
import { DataError, LIMITS } from '../errors';

/** Sizes in messages: whole megabytes (gigabytes with one decimal), as the limits are stated. */
const IN_MB: BytesFormat = { precision: 'megabytes' };

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'];

export interface ImageEntry {
  /** Path inside the zip or folder, for messages. */
  path: string;
  /** Class (folder) name, or null when unlabeled. */
  label: string | null;
  data: Blob | Uint8Array;
}

export function isImageName(name: string): boolean {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return IMAGE_EXTENSIONS.includes(ext);
}

/** Entries to ignore silently: folders, macOS resource forks, hidden files. */
export function isJunk(path: string): boolean {
  return path.endsWith('/') || path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');
}

/**
 * Labels from folders: `cat/001.png` is class "cat". A single top folder holding everything
 * (`pets/cat/001.png`, or a picked folder) is skipped. Files outside any class folder are unlabeled.
 */
export function labelFromPaths(paths: string[]): { labels: (string | null)[]; strippedTop: string | null } {
  const parts = paths.map((p) => p.split('/').filter(Boolean));
  const tops = new Set(parts.map((p) => (p.length > 1 ? p[0] : null)));
  const singleTop = tops.size === 1 && !tops.has(null) ? [...tops][0]! : null;
  const labels = parts.map((p) => {
    const rest = singleTop ? p.slice(1) : p;
    return rest.length > 1 ? rest[rest.length - 2]! : null;
  });
  return { labels, strippedTop: singleTop };
}

export interface ZipLimits {
  zipBytes: number;
  expandedBytes: number;
  entryBytes: number;
}

const defaultZipLimits: ZipLimits = {
  zipBytes: LIMITS.zipBytes,
  expandedBytes: LIMITS.zipExpandedBytes,
  entryBytes: LIMITS.imageFileBytes,
};

/**
 * Reads the image entries of a zip with a streaming inflater that counts bytes as they come out,
 * so an archive that lies about its sizes is stopped at the cap, not after filling memory.
 */
export async function readZipImages(
  zip: Blob,
  zipName: string,
  limits: ZipLimits = defaultZipLimits,
  onProgress?: (fraction: number) => void,
  /** Stops unpacking at the next megabyte (a newer choice superseded this load); rejects with its reason. */
  signal?: AbortSignal,
): Promise<{ entries: ImageEntry[]; ignored: string[] }> {
  const read = await readZipEntries(zip, zipName, limits, onProgress, signal, isImageName);
  if (!read.entries.length) throw noImages(zipName, read.ignored);
  return read;
}

/** A zip with nothing to load; `texts`: .txt files would have been taken too (an upload). */
export function noImages(zipName: string, ignored: string[], texts = false): DataError {
  const only = ignored.length ? ` (only ${ignored.slice(0, 3).join(', ')}${ignored.length > 3 ? ', …' : ''})` : '';
  return new DataError(
    texts
      ? `${zipName} holds no images and no .txt files${only}. Put PNG, JPEG, WebP, GIF or BMP files, or .txt files, in one folder per class.`
      : `${zipName} holds no images${only}. Put PNG, JPEG, WebP, GIF or BMP files in one folder per class.`,
    'no-images',
  );
}

/** The entries of a zip whose names `accept` takes (images; or text files too), labelled by folder. */
export async function readZipEntries(
  zip: Blob,
  zipName: string,
  limits: ZipLimits = defaultZipLimits,
  onProgress?: (fraction: number) => void,
  signal?: AbortSignal,
  accept: (name: string) => boolean = isImageName,
): Promise<{ entries: ImageEntry[]; ignored: string[] }> {
  signal?.throwIfAborted();
  await checkArchive(zip, zipName, limits);

  const files: { path: string; chunks: Uint8Array[]; data: Uint8Array | null }[] = [];
  const ignored: string[] = [];
  let expanded = 0;
  let failure: DataError | null = null;
  onProgress?.(0);
  const unzip = new Unzip((file) => {
    if (isJunk(file.name)) return;
    if (!accept(file.name)) {
      ignored.push(file.name);
      return;
    }
    if (file.originalSize !== undefined && expanded + file.originalSize > limits.expandedBytes) {
      failure ??= bomb(zipName, limits);
      return;
    }
    const entry = { path: file.name, chunks: [] as Uint8Array[], data: null as Uint8Array | null };
    let size = 0;
    files.push(entry);
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) {
        failure = unreadable(zipName, file.name, err, expanded);
        return;
      }
      size += chunk.length;
      expanded += chunk.length;
      if (expanded > limits.expandedBytes) {
        failure = bomb(zipName, limits);
        file.terminate();
        return;
      }
      if (size > limits.entryBytes) {
        failure = new DataError(
          `${zipName}: "${file.name}" is over ${formatBytes(limits.entryBytes, IN_MB)}, the limit for one file. Remove or shrink it.`,
          'too-large',
        );
        file.terminate();
        return;
      }
      entry.chunks.push(chunk);
      if (final) {
        // One buffer per entry as soon as it is complete, so chunks and copy never pile up.
        entry.data = concat(entry.chunks);
        entry.chunks = [];
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  await feed(zip, zipName, unzip, () => failure !== null, onProgress, signal);
  if (failure) throw failure;
  const { labels } = labelFromPaths(files.map((f) => f.path));
  const entries = keepFiled(
    files.map((f, i) => ({ path: f.path, label: labels[i]!, data: f.data ?? concat(f.chunks) })),
    ignored,
  );
  return { entries, ignored };
}

/** Refuses an archive over the size limit, or one that does not start as a zip does. */
async function checkArchive(zip: Blob, zipName: string, limits: ZipLimits): Promise<void> {
  if (zip.size > limits.zipBytes)
    throw new DataError(
      `${zipName} is ${formatBytes(zip.size, IN_MB)}; the limit for a zip is ${formatBytes(limits.zipBytes, IN_MB)}. Split it, or use smaller images.`,
      'too-large',
    );
  const head = new Uint8Array(await zip.slice(0, 4).arrayBuffer());
  if (head.length < 4 || head[0] !== ZIP_MAGIC[0] || head[1] !== ZIP_MAGIC[1])
    throw new DataError(
      `${zipName} is not a zip archive. Choose a .zip whose folders are class names (cat/001.png, dog/002.png).`,
      'bad-zip',
    );
}

/** "PK", the first bytes of every zip archive. */
const ZIP_MAGIC = [0x50, 0x4b] as const;

/** An entry that failed to inflate: memory running out is the archive's size, anything else damage. */
function unreadable(zipName: string, name: string, err: Error, expanded: number): DataError {
  return /allocation failed|array length|out of memory/i.test(err.message)
    ? new DataError(
        `${zipName}: unpacking "${name}" ran out of memory (${formatBytes(expanded, IN_MB)} unpacked so far). Split the archive into smaller zips, or use smaller images.`,
        'too-large',
      )
    : new DataError(
        `${zipName}: the entry "${name}" is damaged (${err.message}). Re-create the zip and try again.`,
        'bad-zip',
      );
}

/**
 * Pushes the archive through the unzipper a megabyte read at a time, until it ends or `failed`.
 * Deflate expands up to ~1,000 times: the unzipper gets 16 KB at a time, so one push inflates to
 * at most ~16 MB and the size caps are checked before a bomb can ask for a gigabyte at once.
 */
async function feed(
  zip: Blob,
  zipName: string,
  unzip: Unzip,
  failed: () => boolean,
  onProgress?: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const step = 1 << 20;
  const piece = 1 << 14;
  for (let offset = 0; offset < zip.size && !failed(); offset += step) {
    const chunk = new Uint8Array(await zip.slice(offset, offset + step).arrayBuffer());
    signal?.throwIfAborted();
    try {
      for (let at = 0; at < chunk.length && !failed(); at += piece)
        unzip.push(chunk.subarray(at, at + piece), offset + step >= zip.size && at + piece >= chunk.length);
    } catch (e) {
      throw new DataError(
        `${zipName} could not be read as a zip (${errorMessage(e)}). Re-create it and try again.`,
        'bad-zip',
      );
    }
    onProgress?.(Math.min(1, (offset + step) / zip.size));
  }
}

function bomb(zipName: string, limits: ZipLimits): DataError {
  return new DataError(
    `${zipName} would expand to more than ${formatBytes(limits.expandedBytes, IN_MB)} once unpacked, the limit for an image archive. This can be a "zip bomb"; if the archive is genuine, split it into smaller zips.`,
    'zip-bomb',
  );
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** @deprecated Kept for src/worker/data/upload.ts; call formatBytes(bytes, { precision: 'megabytes' }). */
export function mb(bytes: number): string {
  return formatBytes(bytes, IN_MB);
}

/**
 * The images in class folders first, then those outside any (unlabeled rows beside the classes),
 * each in their own order: the labelled rows and their order are those of the same set without
 * the loose images (the PyTorch project's data.py reads it so), and the image limit cuts loose
 * ones first. Nothing is added to `_ignored` any more (loose images used to be left out and named there).
 */
export function keepFiled(entries: ImageEntry[], _ignored?: string[]): ImageEntry[] {
  if (entries.every((e) => e.label === null) || entries.every((e) => e.label !== null)) return entries;
  return [...entries.filter((e) => e.label !== null), ...entries.filter((e) => e.label === null)];
}
