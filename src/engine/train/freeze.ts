// Which layers train: the encoder is every layer before the task head (named `head_*`); freezing
// turns the encoder's layers off for the head-only epochs, then on again (all, or the last K).
import type * as tf from '@tensorflow/tfjs';
import { headOnly } from '../../shared/schedule';
import type { FreezeSpec } from '../../shared/types/training';
import type { LayerInfo } from '../../shared/types/results';

export const HEAD_PREFIX = 'head_';

/** Per layer, encoder or head. A model without `head_` layers (older checkpoints) has its last layer as head. */
export function layerParts(model: tf.LayersModel): ('encoder' | 'head')[] {
  const named = model.layers.some((l) => l.name.startsWith(HEAD_PREFIX));
  return model.layers.map((l, i) =>
    named ? (l.name.startsWith(HEAD_PREFIX) ? 'head' : 'encoder') : i === model.layers.length - 1 ? 'head' : 'encoder',
  );
}

/** Sets each layer's `trainable` for `epoch` (1-based) and returns the layer list. */
export function applyFreeze(model: tf.LayersModel, freeze: FreezeSpec, epoch: number): LayerInfo[] {
  const parts = layerParts(model);
  const frozenPhase = headOnly(freeze, epoch);
  const unfreezing = freeze.headEpochs > 0 && !frozenPhase;
  // With weights: the layers "the last K" counts.
  const encoderWithWeights = model.layers
    .map((l, i) => (parts[i] === 'encoder' && l.weights.length > 0 ? i : -1))
    .filter((i) => i >= 0);
  const lastK = new Set(
    unfreezing && freeze.unfreeze === 'last'
      ? encoderWithWeights.slice(-Math.max(0, freeze.lastK))
      : encoderWithWeights,
  );
  model.layers.forEach((layer, i) => {
    const trainable =
      parts[i] === 'head' || (!frozenPhase && (freeze.unfreeze === 'all' || !unfreezing || lastK.has(i)));
    if (layer.trainable !== trainable) layer.trainable = trainable;
  });
  return describeLayers(model);
}

export function describeLayers(model: tf.LayersModel): LayerInfo[] {
  const parts = layerParts(model);
  return model.layers.map((l, i) => ({
    name: l.name,
    className: l.getClassName(),
    params: l.countParams(),
    trainable: l.trainable && l.weights.length > 0,
    part: parts[i]!,
  }));
}

export function validateFreeze(f: FreezeSpec, epochs: number): void {
  if (!Number.isInteger(f.headEpochs) || f.headEpochs < 0 || f.headEpochs > epochs)
    throw new Error(`Head-only epochs: use a whole number from 0 (no freezing) to ${epochs} (the epochs of the run).`);
  if (f.unfreeze === 'last' && (!Number.isInteger(f.lastK) || f.lastK < 1))
    throw new Error('Unfreeze the last K layers: K is a whole number, 1 or more.');
  if (!(f.lrFactor > 0) || f.lrFactor > 1)
    throw new Error('Learning rate after unfreezing: use a factor above 0 and at most 1, such as 0.1.');
}
