// An image dataset from decoded pixels: classes from folder names (sorted), a seeded stratified
// split, a preview with a few samples per class.
import type { ImageOptions } from '../../../shared/types/datasets';
import type { Dataset } from '../dataset';
import { DataError } from '../errors';
import { stratifiedSplit } from '../split';

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
  const labelled = d.labels.every((l) => l !== null);
  const classNames = labelled ? [...new Set(d.labels as string[])].sort((a, b) => a.localeCompare(b)) : [];
  if (labelled && classNames.length < 2)
    throw new DataError(
      `${d.name} has only one class folder ("${classNames[0]}"). Add a folder per class (cat/…, dog/…), or put the images at the top level to load them unlabeled for pretraining.`,
      'one-class',
    );
  const index = new Map(classNames.map((c, i) => [c, i]));
  const y = labelled ? Int32Array.from(d.labels, (l) => index.get(l!)!) : null;
  const split = stratifiedSplit(y ?? new Int32Array(d.count), labelled ? classNames.length : 1, fractions, seed);
  const perClass = new Map<string, number>();
  const preview: { pixels: Uint8Array; label: string }[] = [];
  for (let i = 0; i < d.count && preview.length < 48; i++) {
    const label = d.labels[i] ?? 'unlabeled';
    const n = perClass.get(label) ?? 0;
    if (n >= 8) continue;
    perClass.set(label, n + 1);
    preview.push({ pixels: d.pixels.slice(i * features, (i + 1) * features), label });
  }
  return {
    name: d.name,
    description: `${d.name}: ${d.count.toLocaleString('en-US')} images${labelled ? ` in ${classNames.length} classes` : ', unlabeled'}, ${size}×${size} ${d.options.color}`,
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
    preview: { kind: 'image', height: size, width: size, channels, images: preview },
    preprocessing: { kind: 'image', height: size, width: size, channels, scale: 1 / 255, classNames },
    skippedFiles: d.skipped,
    imageOptions: d.options,
  };
}
