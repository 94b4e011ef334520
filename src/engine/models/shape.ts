// A model's input shape for one sample, with its free dimensions (a text model's length) filled in.
import type * as tf from '@tensorflow/tfjs';

/** The shape one sample takes at `model`'s input; a free dimension (null) becomes `free`. */
export function sampleShape(model: tf.LayersModel, free: number): number[] {
  return (model.inputs[0]!.shape.slice(1) as (number | null)[]).map((d) => d ?? free);
}
