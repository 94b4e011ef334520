// A training batch's inputs with the run's augmentation applied (training batches only; the
// validation and test rows are never changed).
import * as tf from '@tensorflow/tfjs';
import { augments } from '../../shared/augmentation';
import type { AugmentSpec } from '../../shared/types/training';
import type { Dataset } from '../data/dataset';
import { augmentImages } from './images';
import { augmentRows, featureSlots } from './tables';

/**
 * The inputs of a batch (`x`: `size` rows of preprocessed values, as gatherBatch makes them) as a
 * tensor of shape [size, ...inShape], augmented when `spec` changes anything. `seed` picks the
 * views (the loops derive it from the run's seed and the step, so a run can be repeated).
 */
export function inputBatch(
  ds: Dataset,
  x: Float32Array,
  size: number,
  inShape: number[],
  spec: AugmentSpec | undefined,
  seed: number,
): tf.Tensor {
  // Token ids are not augmented (the settings are hidden for text).
  if (!spec || !augments(spec) || ds.preprocessing.kind === 'text') return tf.tensor(x, [size, ...inShape]);
  if (ds.preprocessing.kind === 'table')
    return tf.tensor(augmentRows(x, size, featureSlots(ds.preprocessing.features), spec, seed), [size, ...inShape]);
  const [height, width, channels] = ds.inputShape as [number, number, number];
  return tf.tidy(() =>
    augmentImages(tf.tensor4d(x, [size, height, width, channels]), spec, seed).reshape([size, ...inShape]),
  );
}

/** The seed of one training step's views: the run's seed and the step, mixed. */
export function stepSeed(runSeed: number, step: number): number {
  return (Math.imul(runSeed + 1, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0;
}

/** Refuses settings outside what makes sense, naming the field and a range that works. */
export function validateAugment(s: AugmentSpec): void {
  const range = (label: string, v: number, max: number, example: string) => {
    if (!(v >= 0 && v <= max)) throw new Error(`Augmentation ${label}: use 0 to ${max}, such as ${example}.`);
  };
  range('shift', s.shift, 0.5, '0.1 (a tenth of the side)');
  range('zoom', s.zoom, 0.5, '0.1');
  range('rotation', s.rotate, 180, '10 degrees');
  range('brightness', s.brightness, 1, '0.1');
  range('contrast', s.contrast, 1, '0.1');
  range('noise', s.noise, 2, '0.05');
  range('cut-out', s.cutout, 0.9, '0.3');
  range('corruption', s.corruption, 0.9, '0.3');
}
