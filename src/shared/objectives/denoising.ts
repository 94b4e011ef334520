// The denoising autoencoder: the input is corrupted, the clean input is reconstructed.
import type { ObjectiveInfo } from './info';

export interface DenoisingSettings {
  /** mask: zero a fraction of the inputs; gaussian: add noise of this standard deviation. */
  noise: 'mask' | 'gaussian';
  noiseLevel: number;
}

const masks = (s: DenoisingSettings) => s.noise === 'mask';

export const denoising: ObjectiveInfo<'denoising', DenoisingSettings> = {
  id: 'denoising',
  label: 'Denoising autoencoder',
  readsText: false,
  steps: 1000,
  fields: {
    noise: {
      kind: 'choice',
      label: 'Corruption',
      testId: 'noise-kind',
      default: 'mask',
      options: { mask: 'mask a fraction of inputs', gaussian: 'Gaussian noise' },
      resets: ['noiseLevel'],
    },
    noiseLevel: {
      kind: 'number',
      label: (s) => (masks(s) ? 'Fraction masked' : 'Noise std'),
      testId: 'noise-level',
      default: (s) => (masks(s) ? 0.3 : 0.5),
      min: 0,
      max: (s) => (masks(s) ? 0.99 : 10),
    },
  },
  describe: (encoder, shape) => [...encoder(false), `decoder: mirror of the encoder → ${shape.join('×')}`],
};
