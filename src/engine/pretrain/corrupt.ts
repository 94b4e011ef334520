import * as tf from '@tensorflow/tfjs';
import type { NoiseSpec } from '../../shared/types/training';

/** The denoising autoencoder's input corruption. Masking zeroes a `level` fraction of the values. */
export function corrupt(x: tf.Tensor, noise: NoiseSpec): tf.Tensor {
  return tf.tidy(() => {
    if (noise.kind === 'mask') return x.mul(tf.randomUniform(x.shape).greaterEqual(noise.level).toFloat());
    return x.add(tf.randomNormal(x.shape, 0, noise.level));
  });
}

export function validateNoise(noise: NoiseSpec): void {
  if (noise.kind === 'mask' && !(noise.level >= 0 && noise.level < 1))
    throw new Error('Masking noise: use a fraction from 0 to 0.99, such as 0.3.');
  if (noise.kind === 'gaussian' && !(noise.level >= 0 && noise.level <= 10))
    throw new Error('Gaussian noise: use a standard deviation from 0 to 10, such as 0.5.');
}
