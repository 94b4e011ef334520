// The augmentation preview: the first training samples of the dataset, and the same samples as
// the training loop would see them with `spec` (the engine's own augmentation, on the active
// backend; on the cpu one when no run has started a backend yet).
import * as tf from '@tensorflow/tfjs';
import { augmentImages } from '../engine/augment/images';
import { augmentRows, featureSlots } from '../engine/augment/tables';
import { gatherBatch, toPixels, type Dataset } from '../engine/data/dataset';
import { readMemory } from '../engine/memory';
import { decodeRow } from '../shared/preprocessing';
import type { AugmentPreview } from '../shared/types/datasets';
import type { AugmentSpec } from '../shared/types/training';

const IMAGES = 8;
const ROWS = 4;

/** `mayStartBackend`: no run is choosing a backend right now (the preview must not start one then). */
export async function previewAugmentation(
  ds: Dataset,
  spec: AugmentSpec,
  seed: number,
  mayStartBackend: boolean,
): Promise<AugmentPreview> {
  const rows = ds.split.train.subarray(0, ds.preprocessing.kind === 'image' ? IMAGES : ROWS);
  const { x, size } = gatherBatch(ds, rows, 0, rows.length);
  const p = ds.preprocessing;
  if (p.kind === 'table') {
    const views = augmentRows(x, size, featureSlots(p.features), spec, seed);
    const width = x.length / Math.max(1, size);
    const show = (v: Float32Array) =>
      Array.from({ length: size }, (_, r) => decodeRow(p.features, v.subarray(r * width, (r + 1) * width)));
    return { kind: 'table', columns: p.features.map((f) => f.column), originals: show(x), views: show(views) };
  }
  if (!readMemory().backend) {
    if (!mayStartBackend) throw new Error('The preview comes back once the run has started its backend.');
    await tf.setBackend('cpu'); // no backend yet: the preview starts none of the GPU ones
  }
  const [height, width, channels] = ds.inputShape as [number, number, number];
  const images = tf.tensor4d(x, [size, height, width, channels]);
  const augmented = augmentImages(images, spec, seed);
  try {
    const views = (await augmented.data()) as Float32Array;
    const per = height * width * channels;
    return {
      kind: 'image',
      height,
      width,
      channels,
      originals: toPixels(x, size, per),
      views: toPixels(views, size, per),
    };
  } finally {
    tf.dispose([images, augmented]);
  }
}
