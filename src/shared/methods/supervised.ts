// Supervised fine-tuning: the labelled rows (within the label budget) only, cross-entropy or MSE.
import type { MethodInfo } from './info';

export const supervised: MethodInfo<'supervised', Record<never, never>> = {
  id: 'supervised',
  label: 'Supervised (labelled rows)',
  fields: {},
};
