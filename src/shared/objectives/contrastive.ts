// Contrastive learning (SimCLR): two augmented views of an input agree, against the batch's others.
import type { ObjectiveInfo } from './info';

export interface ContrastiveSettings {
  /** NT-Xent's temperature (lower: harder negatives count more). */
  temperature: number;
}

export const contrastive: ObjectiveInfo<'contrastive', ContrastiveSettings> = {
  id: 'contrastive',
  label: 'Contrastive (SimCLR: two augmented views agree)',
  readsText: false,
  // Contrastive learning goes on improving its features for longer.
  steps: 1500,
  fields: {
    temperature: { kind: 'number', label: 'Temperature', testId: 'temperature', default: 0.2, min: 0.01, max: 10 },
  },
  // Its negatives come from the batch (more of them, a better signal); its two views must differ;
  // one Dense(128) gains little from it, a hidden layer before it does; the conv encoder is the CNN's.
  usual: { batchSize: 256, augmentation: 'strong', encoder: { dense: [256, 128], conv: [16, 32, 64] } },
  hint: (c) =>
    `Each input is augmented twice; the encoder and a projection head (Dense, relu, Dense(64)) learn to pick an ` +
    `input's other view among the batch's ${2 * c.batchSize - 1} others (NT-Xent). The augmentation below makes ` +
    `the views; a larger batch gives more negatives.` +
    (c.encoder.kind === 'conv' ? ' The conv encoder ends in global max pooling, like the CNN.' : ''),
  describe: (encoder) => [
    ...encoder(true),
    'projection head: Dense(relu), Dense(64), L2-normalised (NT-Xent on two views)',
  ],
};
