// What the user dropped or picked: one table, one zip of class folders, or image files (a picked
// folder gives class folders through the relative paths).
import { DataError, LIMITS } from '../../engine/data/errors';
import { isImageName, keepFiled, labelFromPaths, mb, type ImageEntry } from '../../engine/data/images/files';

export type Upload = { kind: 'table'; file: File } | { kind: 'zip'; file: File } | { kind: 'images'; name: string; entries: ImageEntry[]; ignored: string[] };

const TABLE = /\.(csv|tsv|txt)$/i;

export function classifyUpload(files: File[], paths: string[]): Upload {
  if (!files.length) throw new DataError('No file was chosen. Pick a .csv or .tsv table, a .zip of image folders, or image files.', 'empty');
  const tables = files.filter((f) => TABLE.test(f.name));
  const zips = files.filter((f) => /\.zip$/i.test(f.name));
  if (tables.length + zips.length > 0 && files.length > 1)
    throw new DataError(`Choose one table or one zip at a time (you chose ${files.length} files: ${files.slice(0, 3).map((f) => f.name).join(', ')}…).`, 'unsupported');
  const only = files[0]!;
  if (tables.length) {
    if (only.size > LIMITS.tableBytes)
      throw new DataError(`${only.name} is ${mb(only.size)}; the limit for a table is ${mb(LIMITS.tableBytes)}. Use a sample of the rows.`, 'too-large');
    return { kind: 'table', file: only };
  }
  if (zips.length) return { kind: 'zip', file: only };
  const images: ImageEntry[] = [];
  const ignored: string[] = [];
  const imagePaths: string[] = [];
  files.forEach((f, i) => {
    const path = paths[i] || f.name;
    if (!isImageName(f.name)) {
      if (!f.name.startsWith('.')) ignored.push(path);
      return;
    }
    if (f.size > LIMITS.imageFileBytes) {
      ignored.push(`${path} (over ${mb(LIMITS.imageFileBytes)})`);
      return;
    }
    images.push({ path, label: null, data: f });
    imagePaths.push(path);
  });
  if (!images.length)
    throw new DataError(
      `None of the chosen files is a table, a zip or an image (${ignored.slice(0, 3).join(', ')}). Supported: .csv, .tsv, .zip, .png, .jpg, .webp, .gif, .bmp.`,
      'unsupported',
    );
  const { labels, strippedTop } = labelFromPaths(imagePaths);
  images.forEach((e, i) => (e.label = labels[i]!));
  const name = strippedTop ?? `${images.length} images`;
  return { kind: 'images', name, entries: keepFiled(images, ignored), ignored };
}
