// Masked language modelling (BERT): the Transformer predicts the tokens hidden from it.
import type { ObjectiveInfo } from './info';

export const mlm: ObjectiveInfo<'mlm', Record<never, never>> = {
  id: 'mlm',
  label: 'Masked language model (BERT: predict 15% hidden tokens)',
  readsText: true,
  steps: 1000,
  fields: {},
  // Its head replaces the encoder's pooling: it reads every token.
  describe: (encoder) => [
    ...encoder(false).slice(0, -1),
    'MLM head: Dense, LayerNorm, Dense(vocabulary) on masked tokens (15%)',
  ],
};
