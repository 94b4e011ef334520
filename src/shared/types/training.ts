// The settings of a training run (pretraining and fine-tuning).
import type { MethodSettings } from '../methods';
import type { ObjectiveSettings } from '../objectives';
import type { BackendChoice } from './backends';

export type { PretrainObjective, ObjectiveSettings } from '../objectives';
export type { FinetuneMethod, MethodSettings } from '../methods';

export type ModelKind = 'mlp' | 'cnn' | 'transformer';

/**
 * The Transformer encoder for text: token and position embeddings, `layers` pre-norm blocks of
 * multi-head self-attention and an MLP, then one vector per text ([CLS] token or the mean over
 * non-padding tokens). Vocabulary and length come from the dataset's tokenizer.
 */
export interface TextModelSpec {
  width: number;
  heads: number;
  layers: number;
  mlpWidth: number;
  pooling: 'cls' | 'mean';
  dropout: number;
}

export type Stage = 'pretrain' | 'finetune';

/**
 * The encoder that pretraining learns and fine-tuning starts from. Dense: units per layer (the
 * last is the bottleneck). Conv: filters per Conv2D + MaxPool block (images only).
 */
export interface EncoderSpec {
  kind: 'dense' | 'conv' | 'transformer';
  /** Transformer: unused (its shape is `TrainConfig.text`). */
  widths: number[];
  /**
   * Conv: end in global max pooling (one value per filter, wherever the feature is), as the CNN
   * does; contrastive encoders always do. Otherwise the last block's map (flattened when fine-tuned).
   */
  globalPool?: boolean;
}

export type OptimizerKind = 'sgd' | 'momentum' | 'adam';

/** Fine-tuning's optimizer. Pretraining always uses Adam (beta1 0.5 for GANs). */
export interface OptimizerSpec {
  kind: OptimizerKind;
  /** SGD with momentum. */
  momentum: number;
  /** Adam. */
  beta1: number;
  beta2: number;
}

/** Learning rate over the run: constant, step decay or cosine, after an optional linear warm-up. */
export interface ScheduleSpec {
  kind: 'constant' | 'step' | 'cosine';
  /** Epochs of linear warm-up from 0 to the rate (may be fractional; 0: none). */
  warmupEpochs: number;
  /** Step decay: multiply by `stepFactor` every `stepEvery` epochs. */
  stepEvery: number;
  stepFactor: number;
  /** Cosine: the rate falls to this fraction of itself at the last step. */
  minFactor: number;
}

/**
 * Freezing: the encoder's layers do not train for the first `headEpochs` epochs (0: no freezing);
 * then all of them (or the last `lastK` with weights) train at the rate times `lrFactor`.
 */
export interface FreezeSpec {
  headEpochs: number;
  unfreeze: 'all' | 'last';
  lastK: number;
  lrFactor: number;
}

/** The task head: hidden Dense(relu) layers, dropout before the output, then the output layer. */
export interface HeadSpec {
  hidden: number[];
  dropout: number;
}

export interface EarlyStoppingSpec {
  enabled: boolean;
  /** Epochs without a lower validation loss before stopping; the best weights are restored. */
  patience: number;
}

export type LabelBudget = 'all' | 'fraction' | 'perClass';

export interface TrainConfig {
  stage: Stage;
  model: ModelKind;
  epochs: number;
  batchSize: number;
  learningRate: number;
  backend: BackendChoice;
  seed: number;
  /** Fine-tuning: which labels train: all, a fraction of each class, or N per class. */
  labelBudget: LabelBudget;
  labelFraction: number;
  /** Training rows per class when `labelBudget` is perClass. */
  labelsPerClass: number;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
  freeze: FreezeSpec;
  head: HeadSpec;
  /**
   * The CNN (model "cnn"): filters of each Conv2D(3×3, same padding, relu) + MaxPool(2) block;
   * global max pooling follows, so an object counts wherever it is in the picture.
   */
  convBlocks: number[];
  /** The Transformer (text inputs), in both stages. */
  text: TextModelSpec;
  earlyStopping: EarlyStoppingSpec;
  /** Fine-tuning: the method (supervised, …) and its own settings (shared/methods). */
  method: MethodSettings;
  /** Fine-tuning: "scratch", or the id of a pretrained encoder. */
  initFrom: string;
  /** Pretraining: the objective and its own settings (shared/objectives). */
  objective: ObjectiveSettings;
  encoder: EncoderSpec;
  /**
   * Fine-tuning from an encoder: its pretrained weights, or the same network with fresh random
   * weights (the control that shows what the pretraining itself was worth).
   */
  encoderInit: 'pretrained' | 'random';
  /** Save a checkpoint every this many epochs (and at the end). */
  checkpointEvery: number;
  /** Keep this many of a run's latest checkpoints (plus its best and its final one). */
  keepLast: number;
  /** Changes made to training batches only (both stages); see AugmentSpec. */
  augmentation: AugmentSpec;
}

/**
 * Augmentation of training batches (both stages; never of validation or test rows). Images: a
 * random affine map (shift, zoom, rotation, optional horizontal flip), brightness and contrast
 * jitter, Gaussian noise, and a cut-out square. Tables: Gaussian noise on the standardized numeric
 * columns, and feature corruption (a share of each row's features taken from another row).
 */
export interface AugmentSpec {
  preset: 'off' | 'light' | 'strong' | 'custom';
  /** Largest shift, as a fraction of the image side. */
  shift: number;
  /** Largest zoom in or out, as a fraction (0.1: scale 0.9 to 1.1). */
  zoom: number;
  /** Largest rotation, in degrees either way. */
  rotate: number;
  /** Mirror left-right half of the time (off for digits and text, which must not flip). */
  flip: boolean;
  /** Largest brightness change (added, pixels scaled to 0..1) and contrast change (a factor's distance from 1). */
  brightness: number;
  contrast: number;
  /** Standard deviation of the Gaussian noise added to pixels (0..1 scale) or standardized columns. */
  noise: number;
  /** Side of the erased square as a fraction of the image side (0: none); erased in half the images. */
  cutout: number;
  /** Tables: the share of a row's features replaced by the same features of another row. */
  corruption: number;
}
