// What the user dropped or picked: one table, one zip of class folders, or image files (a picked
// folder gives class folders through the relative paths).
import { DataError, LIMITS } from '../../engine/data/errors';
import { isImageName, isJunk, keepFiled, labelFromPaths, mb, type ImageEntry } from '../../engine/data/images/files';

export type Upload =
  | { kind: 'table'; file: File }
  | { kind: 'zip'; file: File }
  | { kind: 'images'; name: string; entries: ImageEntry[]; ignored: string[] };

const TABLE = /\.(csv|tsv|txt)$/i;

export function classifyUpload(files: File[], paths: string[]): Upload {
  if (!files.length)
    throw new DataError(
      'No file was chosen. Pick a .csv or .tsv table, a .zip of image folders, or image files.',
      'empty',
    );
  const only = files[0]!;
  const images = files.filter((f, i) => isImageName(f.name) && !isJunk(paths[i] || f.name));
  if (files.length > 1 && !images.length)
    throw new DataError(
      `Choose one table or one zip at a time (you chose ${files.length} files: ${files
        .slice(0, 3)
        .map((f) => f.name)
        .join(', ')}…).`,
      'unsupported',
    );
  if (files.length === 1 && TABLE.test(only.name)) {
    if (only.size > LIMITS.tableBytes)
      throw new DataError(
        `${only.name} is ${mb(only.size)}; the limit for a table is ${mb(LIMITS.tableBytes)}. Use a sample of the rows.`,
        'too-large',
      );
    return { kind: 'table', file: only };
  }
  if (files.length === 1 && /\.zip$/i.test(only.name)) return { kind: 'zip', file: only };
  // Several files (or a folder): the images among them; the rest is listed as ignored.
  const entries: ImageEntry[] = [];
  const ignored: string[] = [];
  const imagePaths: string[] = [];
  files.forEach((f, i) => {
    const path = paths[i] || f.name;
    if (isJunk(path)) return;
    if (!isImageName(f.name)) {
      ignored.push(path);
      return;
    }
    if (f.size > LIMITS.imageFileBytes) {
      ignored.push(`${path} (over ${mb(LIMITS.imageFileBytes)})`);
      return;
    }
    entries.push({ path, label: null, data: f });
    imagePaths.push(path);
  });
  if (!entries.length)
    throw new DataError(
      `None of the chosen files is a table, a zip or an image (${ignored.slice(0, 3).join(', ')}). Supported: .csv, .tsv, .zip, .png, .jpg, .webp, .gif, .bmp.`,
      'unsupported',
    );
  const { labels, strippedTop } = labelFromPaths(imagePaths);
  entries.forEach((e, i) => (e.label = labels[i]!));
  const name = strippedTop ?? `${entries.length} images`;
  return { kind: 'images', name, entries: keepFiled(entries, ignored), ignored };
}
