// The autoencoder: the encoder and a mirrored decoder learn to reconstruct the input (MSE).
import type { ObjectiveInfo } from './info';

export const autoencoder: ObjectiveInfo<'autoencoder', Record<never, never>> = {
  id: 'autoencoder',
  label: 'Autoencoder (reconstruction, MSE)',
  readsText: false,
  steps: 1000,
  fields: {},
  describe: (encoder, shape) => [...encoder(false), `decoder: mirror of the encoder → ${shape.join('×')}`],
};
