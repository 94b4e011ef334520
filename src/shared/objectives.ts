// What changes with the pretraining objective: each one's usual learning rate, batch size, encoder
// and augmentation, applied when the user switches to it, but only where the setting still has
// the previous objective's usual value (a value the user chose is kept).
import { AUGMENT_PRESETS, augments } from './augmentation';
import { DEFAULT_CONFIG } from './defaults';
import type { EncoderSpec, PretrainObjective, Stage, TrainConfig } from './types/training';

/** Adam's usual 1e-3, and 2e-4 for GANs. */
export const GAN_LR = 0.0002;
/** Contrastive learning takes its negatives from the batch: more of them, a better signal. */
export const CONTRASTIVE_BATCH = 256;
/** One Dense(128) gains little from contrastive pretraining; a hidden layer before it does. */
export const CONTRASTIVE_DENSE: EncoderSpec = { kind: 'dense', widths: [256, 128] };

const sameEncoder = (a: EncoderSpec, b: EncoderSpec) => a.kind === b.kind && a.widths.join() === b.widths.join();

type Usual = Pick<TrainConfig, 'learningRate' | 'batchSize' | 'encoder'>;

/**
 * The encoder an objective starts with. Autoencoders: the reference Dense(128), or two conv blocks
 * a decoder can mirror; contrastive: a hidden layer more, or the CNN's three blocks.
 */
export function usualEncoder(objective: PretrainObjective, kind: EncoderSpec['kind']): EncoderSpec {
  if (objective === 'contrastive') return kind === 'dense' ? CONTRASTIVE_DENSE : { kind, widths: [16, 32, 64] };
  return kind === 'dense' ? DEFAULT_CONFIG.encoder : { kind, widths: [16, 8] };
}

function usual(objective: PretrainObjective, kind: EncoderSpec['kind']): Usual {
  return {
    learningRate: objective === 'gan' ? GAN_LR : DEFAULT_CONFIG.learningRate,
    batchSize: objective === 'contrastive' ? CONTRASTIVE_BATCH : DEFAULT_CONFIG.batchSize,
    encoder: usualEncoder(objective, kind),
  };
}

/** The settings to change when the pretraining objective becomes `objective`. */
export function objectiveChange(config: TrainConfig, objective: PretrainObjective): Partial<TrainConfig> {
  const from = usual(config.objective, config.encoder.kind);
  const to = usual(objective, config.encoder.kind);
  const change: Partial<TrainConfig> = { objective };
  if (config.learningRate === from.learningRate) change.learningRate = to.learningRate;
  if (config.batchSize === from.batchSize) change.batchSize = to.batchSize;
  if (sameEncoder(config.encoder, from.encoder)) change.encoder = to.encoder;
  // Two views of an input must differ: contrastive learning needs augmentation.
  if (objective === 'contrastive' && !augments(config.augmentation)) change.augmentation = AUGMENT_PRESETS.strong;
  return change;
}

/** The settings to change when the stage becomes `stage` (the GAN's rate is pretraining's only). */
export function stageChange(config: TrainConfig, stage: Stage): Partial<TrainConfig> {
  const pretrainRate = usual(config.objective, config.encoder.kind).learningRate;
  const change: Partial<TrainConfig> = { stage };
  if (stage === 'finetune' && config.learningRate === pretrainRate) change.learningRate = DEFAULT_CONFIG.learningRate;
  if (stage === 'pretrain' && config.learningRate === DEFAULT_CONFIG.learningRate) change.learningRate = pretrainRate;
  return change;
}
