import type { BackendName } from '../shared/types/backends';
import type { EncoderSpec, ModelKind, PretrainObjective, TextModelSpec } from '../shared/types/training';

export interface BenchCase {
  backend: BackendName;
  model: ModelKind;
  batchSize: number;
  rounds: number;
  /** Target seconds per timed run; the sample count is sized from a warm-up measurement. */
  secondsPerRun: number;
}

export interface BenchRow {
  backend: BackendName;
  model: ModelKind;
  batchSize: number;
  samples: number;
  firstBatchSeconds: number;
  loopSamplesPerSec: number[];
  fitSamplesPerSec: number[];
  error?: string;
}

/** A fine-tuning epoch of the studio's loop with augmentation off and with the light preset. */
export interface AugmentCase {
  backend: BackendName;
  model: ModelKind;
  batchSize: number;
  rounds: number;
  /** Target seconds per timed epoch without augmentation; the sample count is sized from a warm-up. */
  secondsPerRun: number;
  /** Most seconds the case may take (estimated from a probe step): fewer samples, or skipped. */
  budgetSeconds: number;
}

export interface AugmentRow {
  backend: BackendName;
  model: ModelKind;
  batchSize: number;
  samples: number;
  /** Samples per second of one training step after one untimed (sizes the case). */
  probeSamplesPerSec: number;
  /** Per round, paired: the second epoch of a two-epoch run, augmentation off and light. */
  offSamplesPerSec: number[];
  lightSamplesPerSec: number[];
  error?: string;
}

/** Contrastive pretraining epochs (strong augmentation) on a subset of the digits. */
export interface ContrastiveCase {
  backend: BackendName;
  encoder: EncoderSpec;
  batchSize: number;
  /** Most rows pretrained on per epoch (training and validation rows together). */
  maxRows: number;
  /** Target seconds of training steps per timed epoch; the row count is sized from a warm-up. */
  secondsPerEpoch: number;
  /** Timed epochs, after an untimed first one. */
  epochs: number;
  /** Skipped when a step is estimated to take longer (from a probe step of the encoder with a head). */
  maxStepSeconds: number;
}

export interface ContrastiveRow {
  backend: BackendName;
  encoder: EncoderSpec;
  batchSize: number;
  /** Rows pretrained on per epoch (training and validation rows), of which `valRows` give the held-out loss. */
  rows: number;
  valRows: number;
  /** A step's seconds as estimated from the probe (both views: twice the batch through the encoder). */
  estimatedStepSeconds: number;
  /** Per timed epoch: its training steps (loss reads included), and the whole epoch (held-out loss and snapshot too). */
  trainSeconds: number[];
  epochSeconds: number[];
  error?: string;
}

/** Masked-language-model steps of the Transformer on the built-in mail corpus. */
export interface MlmCase {
  backend: BackendName;
  text: TextModelSpec;
  vocabSize: number;
  maxLength: number;
  batchSize: number;
  /** Timed steps, after two untimed ones. */
  steps: number;
}

export interface MlmRow extends MlmCase {
  /** The tokenizer's training on the corpus's training split, in the worker. */
  tokenizerSeconds: number;
  /** Mails in the corpus, and real tokens (not padding) per mail on average. */
  mails: number;
  meanTokens: number;
  /** Per timed step: seconds, and the real tokens in its batch. */
  stepSeconds: number[];
  stepTokens: number[];
  error?: string;
}

/** Training on WASM with the worker's thread count (section 7: threads against one thread). */
export interface ThreadsCase {
  objective: 'supervised' | PretrainObjective;
  /** Supervised: the reference MLP or the small CNN (default mlp). */
  model?: 'mlp' | 'cnn';
  batchSize: number;
  /** Training rows per epoch. */
  rows: number;
  /** Timed epochs, after an untimed first one. */
  epochs: number;
  /** Also profile one supervised step of the reference MLP per kernel. */
  profile?: boolean;
}

export interface KernelTime {
  name: string;
  ms: number;
}

export interface ThreadsRow extends ThreadsCase {
  /** The threads tfjs-backend-wasm runs (getThreadsCount). */
  threads: number;
  samplesPerSec: number[];
  kernelProfile?: { stepMs: number; kernels: KernelTime[] };
  error?: string;
}

/** Training steps of one model on one backend (bench section 10): samples per second. */
export interface StepsCase {
  backend: BackendName;
  model: ModelKind;
  batchSize: number;
  /** Timed steps stop after this many seconds (at least `minSteps`, at most `maxSteps`). */
  seconds: number;
  minSteps: number;
  maxSteps: number;
}

export interface StepsRow extends StepsCase {
  /** Seconds of each timed step (after an untimed one), the loss read included. */
  stepSeconds: number[];
  error?: string;
}

/** Attributions on sets where one part decides (bench section 11). */
export interface ExplainCase {
  backends: BackendName[];
  /** Pictures in the squares set, table rows, training epochs of the picture models, rows explained. */
  pictures: number;
  tableRows: number;
  epochs: number;
  explained: number;
}

export interface ExplainMethodRow {
  model: string;
  backend: BackendName;
  method: string;
  rows: number;
  /** Per row explained: the share of the attribution on the deciding part, and the milliseconds. */
  shares: number[];
  ms: number[];
  /** Rows whose explanation passed the randomization check. */
  sanityPassed: number;
  error?: string;
}

export interface ExplainRow extends ExplainCase {
  /** Test accuracy of each model (trained on wasm). */
  accuracy: Record<string, number>;
  methods: ExplainMethodRow[];
  /** Permutation importance of the table model's columns, and the share of the positive importance on c. */
  importance: { columns: string[]; mean: number[]; shareOfC: number } | null;
  error?: string;
}

export type BenchRequest =
  | { type: 'case'; id: number; benchCase: BenchCase }
  | { type: 'augment'; id: number; augmentCase: AugmentCase }
  | { type: 'contrastive'; id: number; contrastiveCase: ContrastiveCase }
  | { type: 'mlm'; id: number; mlmCase: MlmCase }
  | { type: 'threads'; id: number; threadsCase: ThreadsCase }
  | { type: 'steps'; id: number; stepsCase: StepsCase }
  | { type: 'explain'; id: number; explainCase: ExplainCase };
export type BenchReply =
  | {
      type: 'row';
      id: number;
      row: BenchRow | AugmentRow | ContrastiveRow | MlmRow | ThreadsRow | StepsRow | ExplainRow;
    }
  | { type: 'log'; text: string };
