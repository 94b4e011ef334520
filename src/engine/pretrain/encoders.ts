// Pretrained encoders kept for fine-tuning: the weights as plain arrays (independent of the
// backend that trained them), the spec to rebuild the layers, and what they were trained on.
import * as tf from '@tensorflow/tfjs';
import type { EncoderInfo, EncoderSpec } from '../../shared/types';
import type { Dataset } from '../data/dataset';
import { buildEncoder } from './models';

export interface StoredEncoder {
  info: EncoderInfo;
  /** What the inputs must look like: same shape and same preprocessing. */
  inputSignature: string;
  weights: { shape: number[]; values: Float32Array }[];
}

/** Shape and preprocessing of the model inputs; two datasets with the same signature fit the same encoder. */
export function inputSignature(ds: Dataset): string {
  const p = ds.preprocessing;
  if (p.kind === 'image') return JSON.stringify({ image: [p.height, p.width, p.channels] });
  return JSON.stringify({ table: p.features.map((f) => (f.type === 'numeric' ? f.column : [f.column, f.categories, f.other])) });
}

export async function storeEncoder(encoder: tf.LayersModel, info: EncoderInfo, ds: Dataset): Promise<StoredEncoder> {
  const weights = await Promise.all(encoder.getWeights().map(async (w) => ({ shape: w.shape, values: (await w.data()) as Float32Array })));
  return { info, inputSignature: inputSignature(ds), weights };
}

/** Why `stored` cannot start a model for `ds`, or null when it can. */
export function incompatibility(stored: StoredEncoder, ds: Dataset): string | null {
  if (stored.inputSignature === inputSignature(ds)) return null;
  return `The encoder "${stored.info.id}" was pretrained on ${stored.info.dataset} (input ${stored.info.inputShape.join('×')}); ${ds.name} has input ${ds.inputShape.join('×')} or different columns. Fine-tune from scratch, or pretrain on this dataset first.`;
}

/**
 * The fine-tuning network: the encoder's layers (pretrained weights copied in), Dropout(0.5)
 * and a task head. From an encoder of one Dense(128) layer on MNIST this is exactly the reference
 * model with its first layer pretrained.
 */
export function classifierFromEncoder(stored: StoredEncoder, sampleShape: number[], outputs: number, seed: number): tf.Sequential {
  const spec: EncoderSpec = stored.info.encoder;
  const encoder = buildEncoder(spec, sampleShape, seed);
  const model = tf.sequential({ name: 'finetune_from_encoder' });
  for (const layer of encoder.layers) model.add(layer);
  if (spec.kind === 'conv') model.add(tf.layers.flatten());
  model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(
    outputs > 0
      ? tf.layers.dense({ units: outputs, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + 9 }) })
      : tf.layers.dense({ units: 1, activation: 'linear', kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + 9 }) }),
  );
  const pretrained = stored.weights.map((w) => tf.tensor(w.values, w.shape));
  const current = model.getWeights();
  if (pretrained.some((w, i) => !current[i] || current[i]!.shape.join() !== w.shape.join())) {
    tf.dispose(pretrained);
    model.dispose();
    throw new Error(`The encoder "${stored.info.id}" does not fit this network (weight shapes differ).`);
  }
  model.setWeights([...pretrained, ...current.slice(pretrained.length)]);
  tf.dispose(pretrained);
  return model;
}
