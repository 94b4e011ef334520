// What the user dropped or picked: one table, one zip (of class folders of images or of .txt
// files), one .txt corpus, .txt files, or image files (a picked folder gives class folders through
// the relative paths).
import { DataError, LIMITS } from '../../engine/data/errors';
import { isTextName } from '../../engine/data/text/corpus';
import { isImageName, isJunk, keepFiled, labelFromPaths, mb, type ImageEntry } from '../../engine/data/images/files';

export type Upload =
  | { kind: 'table'; file: File }
  | { kind: 'zip'; file: File }
  | { kind: 'images'; name: string; entries: ImageEntry[]; ignored: string[] }
  /** One .txt file: a text per line. */
  | { kind: 'corpus'; file: File }
  /** Several .txt files (a picked folder): a text per file, class folders as labels. */
  | { kind: 'texts'; name: string; entries: ImageEntry[]; ignored: string[] };

const TABLE = /\.(csv|tsv)$/i;

export function classifyUpload(files: File[], paths: string[]): Upload {
  if (!files.length)
    throw new DataError(
      'No file was chosen. Pick a .csv or .tsv table, a .txt file, a .zip of image or text folders, or image files.',
      'empty',
    );
  const only = files[0]!;
  const images = files.filter((f, i) => isImageName(f.name) && !isJunk(paths[i] || f.name));
  if (files.length > 1 && !images.length && !files.some((f) => isTextName(f.name)))
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
  if (files.length === 1 && isTextName(only.name)) {
    if (only.size > LIMITS.tableBytes)
      throw new DataError(
        `${only.name} is ${mb(only.size)}; the limit for a text file is ${mb(LIMITS.tableBytes)}. Use a part of it.`,
        'too-large',
      );
    return { kind: 'corpus', file: only };
  }
  const texts = files.flatMap((f, i) =>
    isTextName(f.name) && !isJunk(paths[i] || f.name) ? [{ path: paths[i] || f.name, label: null, data: f }] : [],
  );
  if (texts.length && !images.length) {
    const { strippedTop } = labelFromPaths(texts.map((t) => t.path));
    const ignored = files.flatMap((f, i) =>
      isTextName(f.name) || isJunk(paths[i] || f.name) ? [] : [paths[i] || f.name],
    );
    return { kind: 'texts', name: strippedTop ?? `${texts.length} texts`, entries: texts, ignored };
  }
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
      `None of the chosen files is a table, a zip or an image (${ignored.slice(0, 3).join(', ')}). Supported: .csv, .tsv, .txt, .zip, .png, .jpg, .webp, .gif, .bmp.`,
      'unsupported',
    );
  const { labels, strippedTop } = labelFromPaths(imagePaths);
  entries.forEach((e, i) => (e.label = labels[i]!));
  const name = strippedTop ?? `${entries.length} images`;
  return { kind: 'images', name, entries: keepFiled(entries, ignored), ignored };
}
