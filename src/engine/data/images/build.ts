// An image dataset from decoded pixels: classes from folder names (sorted), pictures outside the
// class folders as unlabeled rows, a seeded stratified split, a preview with a few samples per class.
import type { ImageOptions } from '../../../shared/types/datasets';
import type { Dataset } from '../dataset';
import { DataError } from '../errors';
import { stratifiedSplit, type SplitFractions } from '../split';

export interface DecodedImages {
  name: string;
  options: ImageOptions;
  /** Row-major uint8 pixels, `count` images of size x size x channels. */
  pixels: Uint8Array;
  count: number;
  labels: (string | null)[];
  skipped: string[];
}

export function buildImageDataset(d: DecodedImages, seed = 42, fractions = { val: 0.15, test: 0.15 }): Dataset {
  if (!d.count)
    throw new DataError(
      `None of the images in ${d.name} could be decoded (${d.skipped.slice(0, 3).join('; ')}). Use PNG, JPEG, WebP, GIF or BMP files.`,
      'no-images',
    );
  const channels = d.options.color === 'rgb' ? 3 : 1;
  const size = d.options.size;
  const features = size * size * channels;
  // Pictures outside the class folders beside two or more classes are unlabeled rows, outside
  // every split; with no class folder at all, every picture is an unlabeled row in the splits.
  const unlabeledRows: number[] = [];
  const labelledRows: number[] = [];
  d.labels.forEach((l, i) => (l === null ? unlabeledRows : labelledRows).push(i));
  const labelled = labelledRows.length > 0;
  const classNames = labelled
    ? [...new Set(labelledRows.map((i) => d.labels[i]!))].sort((a, b) => a.localeCompare(b))
    : [];
  if (labelled && classNames.length < 2)
    throw new DataError(
      unlabeledRows.length
        ? `${d.name} has only one class folder ("${classNames[0]}") and ${unlabeledRows.length.toLocaleString('en-US')} image${unlabeledRows.length > 1 ? 's' : ''} outside it. Add a folder per class (cat/…, dog/…; images outside them are then unlabeled), or put all the images at the top level to load them unlabeled for pretraining.`
        : `${d.name} has only one class folder ("${classNames[0]}"). Add a folder per class (cat/…, dog/…), or put the images at the top level to load them unlabeled for pretraining.`,
      'one-class',
    );
  const index = new Map(classNames.map((c, i) => [c, i]));
  const y = labelled ? Int32Array.from(d.labels, (l) => (l === null ? -1 : index.get(l)!)) : null;
  const split = labelled
    ? splitRows(
        Int32Array.from(labelledRows),
        Int32Array.from(labelledRows, (i) => y![i]!),
        classNames.length,
        fractions,
        seed,
      )
    : stratifiedSplit(new Int32Array(d.count), 1, fractions, seed);
  const unlabeled = labelled && unlabeledRows.length ? Int32Array.from(unlabeledRows) : undefined;
  const preview = labelled
    ? imagePreview(d, features, labelledRows, unlabeledRows)
    : imagePreview(d, features, unlabeledRows, []);
  const count = (n: number) => n.toLocaleString('en-US');
  const content = !labelled
    ? `${count(d.count)} images, unlabeled`
    : `${count(labelledRows.length)} images in ${classNames.length} classes${unlabeled ? ` and ${count(unlabeled.length)} unlabeled` : ''}`;
  return {
    name: d.name,
    description: `${d.name}: ${content}, ${size}×${size} ${d.options.color}`,
    kind: 'image',
    source: 'upload',
    task: labelled ? 'classification' : 'none',
    rows: d.count,
    inputShape: [size, size, channels],
    features,
    x: d.pixels,
    xScale: 1 / 255,
    y,
    classNames,
    split,
    ...(unlabeled ? { unlabeled } : {}),
    preview: { kind: 'image', height: size, width: size, channels, images: preview },
    preprocessing: { kind: 'image', height: size, width: size, channels, scale: 1 / 255, classNames },
    skippedFiles: d.skipped,
    imageOptions: d.options,
  };
}

/** The stratified split of the labelled `rows` (their classes `y`), as rows of the whole set. */
function splitRows(
  rows: Int32Array,
  y: Int32Array,
  classes: number,
  fractions: SplitFractions,
  seed: number,
): Dataset['split'] {
  const parts = stratifiedSplit(y, classes, fractions, seed);
  const map = (part: Int32Array) => part.map((i) => rows[i]!);
  return { train: map(parts.train), val: map(parts.val), test: map(parts.test) };
}

/** Up to 8 pictures per class, 48 in all, the last few of them unlabeled ones (`loose`) when there are. */
function imagePreview(
  d: DecodedImages,
  features: number,
  rows: number[],
  loose: number[],
): { pixels: Uint8Array; label: string }[] {
  const perClass = new Map<string, number>();
  const preview: { pixels: Uint8Array; label: string }[] = [];
  const take = (from: number[], limit: number) => {
    for (const i of from) {
      if (preview.length >= limit) return;
      const label = d.labels[i] ?? 'unlabeled';
      const n = perClass.get(label) ?? 0;
      if (n >= 8) continue;
      perClass.set(label, n + 1);
      preview.push({ pixels: d.pixels.slice(i * features, (i + 1) * features), label });
    }
  };
  take(rows, 48 - Math.min(loose.length, 4));
  take(loose, 48);
  return preview;
}
