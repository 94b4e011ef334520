// The pretraining objectives, one module each: pretrain() and the worker read them from here.
import type { PretrainObjective } from '../../../shared/types/training';
import { autoencoder, denoising } from './autoencoder';
import { contrastive } from './contrastive';
import { gan } from './gan';
import type { PretrainMethod } from './method';
import { mlm } from './mlm';

export const PRETRAIN_METHODS: Record<PretrainObjective, PretrainMethod> = {
  autoencoder,
  denoising,
  gan,
  contrastive,
  mlm,
};

export type { PretrainConfig, PretrainMethod } from './method';
