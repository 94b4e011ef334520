// The fine-tuning methods, one module each: trainWithLabels and the worker read them from here.
import type { FinetuneMethod } from '../../../shared/methods';
import type { FinetuneMethodModule } from './method';
import { semiSupervised } from './semiSupervised';
import { supervised } from './supervised';

export const FINETUNE_METHODS: Record<FinetuneMethod, FinetuneMethodModule> = {
  supervised,
  'semi-supervised': semiSupervised,
};

export type { FinetuneMethodModule, StepContext } from './method';
