// The GAN: a generator learns to make inputs the discriminator (the encoder and a logit) calls real.
import type { ObjectiveInfo } from './info';

export interface GanSettings {
  /** The size of the generator's random input. */
  latentSize: number;
}

/** GANs train with Adam at 2e-4 (and β1 0.5), as DCGAN does. */
const GAN_LR = 0.0002;

export const gan: ObjectiveInfo<'gan', GanSettings> = {
  id: 'gan',
  label: 'GAN (discriminator becomes the encoder)',
  readsText: false,
  steps: 1000,
  fields: {
    latentSize: {
      kind: 'number',
      label: 'Generator noise size',
      testId: 'latent-size',
      default: 32,
      min: 1,
      max: 1024,
      integer: true,
    },
  },
  usual: { learningRate: GAN_LR },
  rateHint: `Adam (β1 0.5); ${GAN_LR} is usual for GANs.`,
  describe: (encoder) => [
    ...encoder(false),
    'discriminator head: Dense(1, logit)',
    'generator: noise → data (trained against it)',
  ],
};
