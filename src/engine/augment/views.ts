// The two views semi-supervised fine-tuning makes of unlabelled rows: the weak one is the run's
// augmentation (the page's, what the labelled rows get too); the strong one is fixed per kind of
// data (shared/methods/semiSupervised.ts says it in words).
import * as tf from '@tensorflow/tfjs';
import { AUGMENT_PRESETS } from '../../shared/augmentation';
import type { AugmentSpec } from '../../shared/types/training';
import type { Dataset } from '../data/dataset';
import { gatherBatch, trimPadding } from '../data/dataset';
import { sampleShape } from '../models/shape';
import { inputBatch } from './batch';
import { augmentTokens, type TokenAugment } from './tokens';

/** Pictures: the strong preset (it has a cut-out square); tables: SCARF's corruption and noise. */
export const STRONG_SPEC: Record<'image' | 'table', AugmentSpec> = {
  image: AUGMENT_PRESETS.strong,
  table: { ...AUGMENT_PRESETS.off, preset: 'custom', corruption: 0.3, noise: 0.1 },
};
export const STRONG_TOKENS: TokenAugment = { mask: 1 / 6, drop: 0.1 };

/**
 * The weak and the strong view of rows[start, end) as model inputs (texts of a free-length model
 * cut to the longest of the two views). The caller disposes both.
 */
export function twoViews(
  model: tf.LayersModel,
  ds: Dataset,
  rows: Int32Array,
  start: number,
  end: number,
  weak: AugmentSpec | undefined,
  seed: number,
): { weak: tf.Tensor; strong: tf.Tensor } {
  const { x, size } = gatherBatch(ds, rows, start, end);
  const kind = ds.preprocessing.kind;
  if (kind !== 'text') {
    const inShape = sampleShape(model, ds.features);
    return tf.tidy(() => ({
      weak: inputBatch(ds, x, size, inShape, weak, seed),
      strong: inputBatch(ds, x, size, inShape, STRONG_SPEC[kind], seed ^ 0x5bd1e995),
    }));
  }
  const strongX = augmentTokens(x, size, ds.features, STRONG_TOKENS, seed);
  const free = model.inputs[0]!.shape[1] === null;
  const tensor = (t: Float32Array) => {
    const cut = free ? trimPadding(t, size, ds.features) : { x: t, length: ds.features };
    return tf.tensor(cut.x, [size, ...sampleShape(model, cut.length)]);
  };
  return { weak: tensor(x), strong: tensor(strongX) };
}
