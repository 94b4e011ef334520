// A toy pretraining objective's declaration, as a new objective's module in shared/objectives
// would be: the registry tests run it through pretrain(), the panel test draws its fields.
import type { ObjectiveInfo } from '../shared/objectives';

/** Codes near a target: one number field. */
export const toyInfo: ObjectiveInfo<'toy', { target: number }> = {
  id: 'toy',
  label: 'Toy (codes near a target)',
  readsText: false,
  steps: 100,
  fields: {
    target: { kind: 'number', label: 'Target code', testId: 'toy-target', default: 1, min: -10, max: 10 },
  },
  describe: (encoder) => [...encoder(false), 'no head: the codes themselves'],
};
