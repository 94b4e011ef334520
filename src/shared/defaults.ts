// Default settings, and stored settings of older versions completed with them.
import type { TableOptions, ImageOptions } from './types/datasets';
import type { TrainConfig } from './types/training';
import { AUGMENT_PRESETS } from './augmentation';
import { storedSettings } from './objectives/stored';

export const DEFAULT_TABLE_OPTIONS: TableOptions = {
  label: '',
  task: 'auto',
  roles: {},
  missing: 'impute',
  valFraction: 0.15,
  testFraction: 0.15,
  seed: 42,
  maxCategories: 20,
  skipMalformed: false,
  text: { vocabSize: 4000, maxLength: 128, autoLength: true, lowercase: true },
};

export const DEFAULT_IMAGE_OPTIONS: ImageOptions = { size: 28, color: 'grayscale' };

export const DEFAULT_CONFIG: TrainConfig = {
  stage: 'finetune',
  model: 'mlp',
  epochs: 5,
  batchSize: 32,
  learningRate: 0.001,
  backend: 'webgpu',
  seed: 1,
  labelBudget: 'all',
  labelFraction: 0.1,
  labelsPerClass: 100,
  optimizer: { kind: 'adam', momentum: 0.9, beta1: 0.9, beta2: 0.999 },
  schedule: { kind: 'constant', warmupEpochs: 0, stepEvery: 10, stepFactor: 0.5, minFactor: 0 },
  freeze: { headEpochs: 0, unfreeze: 'all', lastK: 1, lrFactor: 0.1 },
  head: { hidden: [], dropout: 0.5 },
  convBlocks: [16, 32, 64],
  text: { width: 64, heads: 4, layers: 2, mlpWidth: 128, pooling: 'mean', dropout: 0.1 },
  earlyStopping: { enabled: false, patience: 3 },
  method: { id: 'supervised' },
  initFrom: 'scratch',
  objective: { id: 'autoencoder' },
  encoder: { kind: 'dense', widths: [128] },
  encoderInit: 'pretrained',
  checkpointEvery: 1,
  keepLast: 3,
  augmentation: AUGMENT_PRESETS.off,
};

/**
 * A stored config (a checkpoint's, a run's) with the settings newer versions added filled in.
 * Older versions had only `labelsPerClass` (0: all labels), and kept each objective's fields on
 * every run (objectives/stored.ts).
 */
export function completeConfig(stored: Partial<TrainConfig>): TrainConfig {
  const config = { ...DEFAULT_CONFIG, ...stored };
  if (stored.labelBudget === undefined) config.labelBudget = (stored.labelsPerClass ?? 0) > 0 ? 'perClass' : 'all';
  config.objective = storedSettings(stored as Record<string, unknown>) ?? DEFAULT_CONFIG.objective;
  for (const old of ['noise', 'latentSize', 'temperature']) delete (config as Record<string, unknown>)[old];
  return config;
}
