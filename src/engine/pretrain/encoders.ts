// Starting a fine-tuning network from a checkpoint: a pretrained encoder (its layers, weights
// copied in, then Dropout and a new head), or a fine-tuned model (all of it, to keep training).
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG } from '../../shared/defaults';
import type { EncoderSpec, HeadSpec } from '../../shared/types/training';
import { addHead, transformerSpec, type TextInput } from '../models/build';
import { buildTextClassifier } from '../text/transformer';
import type { SavedModel } from '../checkpoint/serialize';
import type { Dataset } from '../data/dataset';
import { buildEncoder } from './models';
import { signatureOf } from '../data/signature';

export { signatureOf };

/** Shape and preprocessing of the model inputs; two datasets with the same signature fit the same model. */
export function inputSignature(ds: Dataset): string {
  return signatureOf(ds.preprocessing);
}

/** The weights of a saved model as arrays, in the model's order. */
export function savedWeights(saved: SavedModel): { shape: number[]; values: Float32Array }[] {
  let offset = 0;
  return saved.weightSpecs.map((spec) => {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(saved.weightData.slice(offset, offset + n * 4));
    offset += n * 4;
    return { shape: spec.shape, values };
  });
}

/**
 * The fine-tuning network: the encoder's layers (pretrained weights copied in) and a task head
 * (by default Dropout(0.5) and the output layer). From an encoder of one Dense(128) layer on MNIST this is exactly the reference
 * model with its first layer pretrained.
 */
export function classifierFromEncoder(
  spec: EncoderSpec,
  weights: { shape: number[]; values: Float32Array }[],
  sampleShape: number[],
  outputs: number,
  seed: number,
  head: HeadSpec = DEFAULT_CONFIG.head,
  text?: TextInput,
): tf.LayersModel {
  if (spec.kind === 'transformer') {
    if (!text) throw new Error('A Transformer encoder reads text: load the text dataset it was pretrained on.');
    return buildTextClassifier(
      transformerSpec(text, sampleShape),
      outputs,
      seed,
      head,
      weights.length ? weights : undefined,
    );
  }
  const encoder = buildEncoder(spec, sampleShape, seed);
  const model = tf.sequential({ name: 'finetune_from_encoder' });
  for (const layer of encoder.layers) model.add(layer);
  if (spec.kind === 'conv' && !spec.globalPool) model.add(tf.layers.flatten());
  addHead(model, head, outputs, seed);
  // No weights: the encoder's network with fresh ones (the control run for a pretrained one).
  if (!weights.length) return model;
  const current = model.getWeights();
  if (weights.length > current.length || weights.some((w, i) => current[i]!.shape.join() !== w.shape.join())) {
    model.dispose();
    throw new Error('The pretrained encoder does not fit this network (weight shapes differ).');
  }
  const pretrained = weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights([...pretrained, ...current.slice(pretrained.length)]);
  tf.dispose(pretrained);
  return model;
}
