import * as tf from '@tensorflow/tfjs';
import type { DenoisingSettings } from '../../shared/objectives/denoising';

/** The denoising autoencoder's input corruption. Masking zeroes a `noiseLevel` fraction of the values. */
export function corrupt(x: tf.Tensor, { noise, noiseLevel }: DenoisingSettings): tf.Tensor {
  return tf.tidy(() => {
    if (noise === 'mask') return x.mul(tf.randomUniform(x.shape).greaterEqual(noiseLevel).toFloat());
    return x.add(tf.randomNormal(x.shape, 0, noiseLevel));
  });
}
