// GAN: the encoder, with a one-unit head, is the discriminator (real against generated, binary
// cross-entropy); a generator learns to be called real. Updates alternate, each on its own
// network's variables; the saved encoder is the discriminator's body.
import * as tf from '@tensorflow/tfjs';
import { OBJECTIVES, settingsOf } from '../../../shared/objectives';
import { stepSeed } from '../../augment/batch';
import { toPixels } from '../../data/dataset';
import { measureAutoencoder } from '../../train/measure';
import { trainableVariables } from '../../train/loop';
import { buildCritic, buildGenerator } from '../models';
import { checkEncoderAnd, configuredEncoder, encoderKernels, inputs } from './common';
import { trainLossOnly, type ObjectiveContext, type ObjectiveSession, type PretrainMethod } from './method';

function session({ ds, cfg, encoder, shape, rate }: ObjectiveContext): ObjectiveSession {
  const pixels = ds.kind === 'image';
  const { latentSize } = settingsOf(cfg.objective, 'gan');
  const generator = buildGenerator(cfg.encoder, ds.inputShape, latentSize, pixels, cfg.seed);
  const critic = buildCritic(encoder, cfg.seed);
  const dOpt = tf.train.adam(cfg.learningRate, 0.5);
  const gOpt = tf.train.adam(cfg.learningRate, 0.5);
  const fixedNoise = tf.randomNormal([16, latentSize], 0, 1, 'float32', cfg.seed);
  const steps = ganSteps(encoder, critic, generator, dOpt, gOpt, latentSize);
  return {
    step: (r, start, end, step) => {
      rate(step, dOpt, gOpt);
      const real = inputs(ds, shape, r, start, end, { spec: cfg.augmentation, seed: stepSeed(cfg.seed, step) });
      try {
        const d = steps.discriminator(real);
        return [d, steps.generator(real.shape[0])];
      } finally {
        real.dispose();
      }
    },
    heldOut: async (e) => trainLossOnly(e),
    pictures: async () => {
      if (!pixels) return {};
      // Samples from the same noise every epoch: the pictures show the generator's progress.
      const fake = tf.tidy(() => generator.apply(fixedNoise, { training: false }) as tf.Tensor);
      const data = await fake.data();
      fake.dispose();
      const [h, w, c] = ds.inputShape as [number, number, number];
      return {
        images: {
          kind: 'samples',
          height: h,
          width: w,
          channels: c,
          inputs: [],
          outputs: toPixels(data as Float32Array, 16, h * w * c),
        },
      };
    },
    dispose: () => {
      for (const owned of [generator, critic, dOpt, gOpt, fixedNoise]) owned.dispose();
    },
  };
}

export const gan: PretrainMethod = {
  info: OBJECTIVES.gan,
  series: ['discriminator', 'generator'],
  build: (ds, cfg) => configuredEncoder(ds, cfg, session),
  // The encoder is the discriminator's body: the size check is the encoder's.
  checkSize: (ds, cfg, limits) => checkEncoderAnd(ds, cfg, limits, () => []),
  kernels: encoderKernels,
  measure: (ds, cfg) => measureAutoencoder(cfg.encoder, ds, cfg.batchSize),
};

/**
 * The GAN's two updates, each touching only its own network's variables: the discriminator
 * (encoder + head) learns real versus generated; the generator learns to be called real.
 */
export function ganSteps(
  encoder: tf.LayersModel,
  critic: tf.LayersModel,
  generator: tf.LayersModel,
  dOpt: tf.Optimizer,
  gOpt: tf.Optimizer,
  latent: number,
) {
  const dVars = [...trainableVariables(encoder), ...trainableVariables(critic)];
  const gVars = trainableVariables(generator);
  const logit = (x: tf.Tensor) => critic.apply(encoder.apply(x, { training: true }), { training: true }) as tf.Tensor;
  return {
    discriminator(real: tf.Tensor): tf.Scalar {
      const n = real.shape[0];
      const z = tf.randomNormal([n, latent]);
      const loss = dOpt.minimize(
        () => {
          const fake = generator.apply(z, { training: true }) as tf.Tensor;
          const realLoss = tf.losses.sigmoidCrossEntropy(tf.onesLike(logit(real)), logit(real));
          const fakeLogit = logit(fake);
          return realLoss.add(tf.losses.sigmoidCrossEntropy(tf.zerosLike(fakeLogit), fakeLogit)) as tf.Scalar;
        },
        true,
        dVars,
      ) as tf.Scalar;
      z.dispose();
      return loss;
    },
    generator(n: number): tf.Scalar {
      const z = tf.randomNormal([n, latent]);
      const loss = gOpt.minimize(
        () => {
          const fakeLogit = logit(generator.apply(z, { training: true }) as tf.Tensor);
          return tf.losses.sigmoidCrossEntropy(tf.onesLike(fakeLogit), fakeLogit) as tf.Scalar;
        },
        true,
        gVars,
      ) as tf.Scalar;
      z.dispose();
      return loss;
    },
  };
}
