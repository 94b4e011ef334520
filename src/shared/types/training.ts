// The settings of a training run (pretraining and fine-tuning).
import type { MethodSettings } from '../methods';
import type { ObjectiveSettings } from '../objectives';
import type { BackendChoice } from './backends';
import type { AugmentSpec, OptimizerSpec, ScheduleSpec } from './trainingParts';

export type { PretrainObjective, ObjectiveSettings } from '../objectives';
export type { FinetuneMethod, MethodSettings } from '../methods';
export type { AugmentSpec, OptimizerKind, OptimizerSpec, ScheduleSpec } from './trainingParts';

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
