// Fine-tuning's defaults that follow the labelled rows: a batch no larger than a share of them and
// enough optimizer steps however few they are, early stopping with a patience in steps, and a short
// head-only phase when a pretrained encoder is the start; and what a method would rather start from
// (semi-supervised: its optimizer, steps over the unlabelled rows, weak view). Pure: the page shows
// these and the worker's sweep applies them per label budget and arm.
import { AUGMENT_PRESETS } from '../augmentation';
import { epochPlan, methodInfo } from '../methods';
import type { DatasetSummary } from '../types/datasets';
import { DEFAULT_CONFIG } from '../defaults';
import type { EarlyStoppingSpec, FreezeSpec, LabelBudget, OptimizerKind, TrainConfig } from '../types/training';

export const FEW_LABELS = {
  /** Where labels are plenty the reference model's batch (and 5 epochs) stand. */
  maxBatch: 32,
  minBatch: 8,
  /** A batch is at most this share of the labelled rows (100 rows: batches of 16, 7 steps an epoch). */
  batchShare: 1 / 4,
  /**
   * Fewer steps than this leave a small network undertrained (the loss still falling); measured:
   * 1,000 rather than 500: the small picture set 92.6% -> 98.8%, the digits +1.6 and +1.1 points (README).
   */
  minSteps: 1000,
  minEpochs: 5,
  maxEpochs: 300,
  /** Early stopping waits about this many steps without a better validation loss. */
  patienceSteps: 100,
  minPatience: 3,
  /**
   * From a pretrained encoder: the new head first learns alone for about this many steps (a random
   * head's large gradients would otherwise wreck the features), then every layer trains.
   */
  headSteps: 50,
  /** The rate after unfreezing, as a factor (the pretrained features move slowly). */
  unfreezeFactor: 1,
  /** Up to this many labelled pictures, fine-tuning augments (light); the reference's 7,000 digits do not. */
  augmentBelow: 2000,
} as const;

type Budget = { labelBudget: LabelBudget; labelFraction: number; labelsPerClass: number };

/**
 * Training rows the label budget leaves: the worker's budgetedRows, from the training split's class
 * counts (the same seeded draw takes exactly these many).
 */
export function labelledRows(ds: Pick<DatasetSummary, 'task' | 'split' | 'trainClassCounts'>, b: Budget): number {
  const train = ds.split.train;
  if (b.labelBudget === 'all' || ds.task === 'none') return train;
  const counts = ds.task === 'classification' ? ds.trainClassCounts : undefined;
  if (!counts?.length) return b.labelBudget === 'fraction' ? Math.max(1, Math.round(train * b.labelFraction)) : train;
  let n = 0;
  for (const c of counts)
    n +=
      b.labelBudget === 'perClass'
        ? Math.min(c, b.labelsPerClass)
        : c
          ? Math.max(1, Math.round(c * b.labelFraction))
          : 0;
  return n;
}

type Rows = Pick<DatasetSummary, 'task' | 'split' | 'trainClassCounts' | 'unlabeled'>;

/** Rows a method may read without their labels: training rows outside the budget, and rows without one. */
export function poolRows(ds: Rows, b: Budget): number {
  return ds.split.train - labelledRows(ds, b) + (ds.unlabeled ?? 0);
}

/** What a fine-tuning epoch of `c` goes through (its method's plan): rows, in batches of what size. */
export function finetuneEpoch(
  ds: Rows,
  c: Budget & Pick<TrainConfig, 'method' | 'batchSize'>,
): { over: 'labelled' | 'pool'; rows: number; batchSize: number; labelled: number; pool: number } {
  const labelled = labelledRows(ds, c);
  const pool = poolRows(ds, c);
  const plan = epochPlan(methodInfo(c.method.id), c.method, { labelled, pool, batchSize: c.batchSize });
  return { ...plan, rows: plan.over === 'pool' ? pool : labelled, labelled, pool };
}

/**
 * `c` with what its method would rather start from (its usual batch, steps, patience and weak
 * view), where the user did not set them; the rest as fitToLabels left it.
 */
export function fitToMethod(
  c: TrainConfig,
  ds: Rows & Pick<DatasetSummary, 'kind'>,
  auto: AutoFit,
  fromPretrained: boolean,
): TrainConfig {
  const usual = methodInfo(c.method.id).usual;
  if (!usual) return c;
  const labelled = labelledRows(ds, c);
  const batchSize = auto.batchSize && usual.batchSize ? Math.max(1, Math.min(usual.batchSize, labelled)) : c.batchSize;
  const epoch = finetuneEpoch(ds, { ...c, batchSize });
  const steps = stepsPerEpoch(epoch.rows, epoch.batchSize);
  const epochs =
    auto.epochs && usual.steps
      ? Math.min(FEW_LABELS.maxEpochs, Math.max(FEW_LABELS.minEpochs, Math.ceil(usual.steps / steps)))
      : c.epochs;
  const patience =
    auto.patience && usual.patienceSteps
      ? Math.max(FEW_LABELS.minPatience, Math.ceil(usual.patienceSteps / steps))
      : c.earlyStopping.patience;
  const freeze = { ...c.freeze };
  if (auto.freeze.headEpochs && fromPretrained) freeze.headEpochs = headEpochs(steps, epochs);
  const weak = usual.augmentation?.[ds.kind] ?? AUGMENT_PRESETS.off;
  const augmentation = auto.augmentation && usual.augmentation ? weak : c.augmentation;
  const enabled =
    auto.earlyStopping && usual.earlyStopping !== undefined
      ? usual.earlyStopping && c.earlyStopping.enabled
      : c.earlyStopping.enabled;
  return { ...c, batchSize, epochs, earlyStopping: { enabled, patience }, freeze, augmentation };
}

/**
 * The optimizer, rate and schedule `c`'s method starts from where the user set none: its own
 * (semi-supervised: FixMatch's SGD with momentum and cosine decay), else Adam at the usual rate.
 */
export function methodStart(
  c: TrainConfig,
  auto: Pick<AutoFit, 'optimizer' | 'learningRate' | 'schedule'>,
): TrainConfig {
  const usual = methodInfo(c.method.id).usual;
  const kind = usual?.optimizer ?? DEFAULT_CONFIG.optimizer.kind;
  const optimizer = auto.optimizer ? { ...c.optimizer, kind } : c.optimizer;
  const own = usual?.learningRate !== undefined && optimizer.kind === usual.optimizer;
  const learningRate = auto.learningRate ? (own ? usual.learningRate! : USUAL_LR[optimizer.kind]) : c.learningRate;
  const schedule = auto.schedule ? { ...DEFAULT_CONFIG.schedule, ...usual?.schedule } : c.schedule;
  return { ...c, optimizer, learningRate, schedule };
}

/** The largest power of two up to a quarter of the rows, from 8 to 32. */
export function fewLabelBatch(labelled: number): number {
  const cap = Math.max(FEW_LABELS.minBatch, Math.floor(labelled * FEW_LABELS.batchShare));
  let batch = FEW_LABELS.minBatch;
  while (batch * 2 <= Math.min(cap, FEW_LABELS.maxBatch)) batch *= 2;
  return batch;
}

export const stepsPerEpoch = (rows: number, batch: number) => Math.max(1, Math.ceil(rows / Math.max(1, batch)));

/** Enough epochs for the minimum of steps (the reference's 5 where an epoch has many). */
export function fewLabelEpochs(labelled: number, batch: number): number {
  const epochs = Math.ceil(FEW_LABELS.minSteps / stepsPerEpoch(labelled, batch));
  return Math.min(FEW_LABELS.maxEpochs, Math.max(FEW_LABELS.minEpochs, epochs));
}

export function patienceEpochs(steps: number): number {
  return Math.max(FEW_LABELS.minPatience, Math.ceil(FEW_LABELS.patienceSteps / steps));
}

/** The head-only epochs: about headSteps, at least one, at most a fifth of the run (none in runs under 5 epochs). */
export function headEpochs(steps: number, epochs: number): number {
  return Math.min(Math.floor(epochs / 5), Math.max(1, Math.ceil(FEW_LABELS.headSteps / steps)));
}

/** Each optimizer's usual starting rate: SGD needs a larger one than Adam. */
export const USUAL_LR: Record<OptimizerKind, number> = { adam: 0.001, momentum: 0.01, sgd: 0.05 };

/** Which of the fitted settings follow the data (true) or are the user's (false). */
export interface AutoFit {
  /** The optimizer, its rate and schedule follow the method (absent in sweeps of earlier versions: kept). */
  optimizer?: boolean;
  learningRate?: boolean;
  schedule?: boolean;
  batchSize: boolean;
  augmentation: boolean;
  epochs: boolean;
  /** Early stopping's switch and its patience, each. */
  earlyStopping: boolean;
  patience: boolean;
  /** The head-only phase and the rate after it (fields of `freeze` the user did not set). */
  freeze: Partial<Record<keyof FreezeSpec, boolean>>;
}

export const ALL_AUTO: AutoFit = {
  optimizer: true,
  learningRate: true,
  schedule: true,
  batchSize: true,
  augmentation: true,
  epochs: true,
  earlyStopping: true,
  patience: true,
  freeze: { headEpochs: true, unfreeze: true, lastK: true, lrFactor: true },
};

export interface FitContext {
  labelled: number;
  /** Validation rows (early stopping needs some). */
  valRows: number;
  /** Fine-tuning starts from a pretrained encoder's weights (not its network with random ones). */
  fromPretrained: boolean;
  /** The inputs are pictures, and uploaded ones (which always augment: a small set needs it). */
  pictures: 'builtin' | 'upload' | null;
}

/** `c` with the settings `auto` leaves to the data fitted to the labelled rows and the start point. */
export function fitToLabels(c: TrainConfig, ctx: FitContext, auto: AutoFit): TrainConfig {
  const batchSize = auto.batchSize ? fewLabelBatch(ctx.labelled) : c.batchSize;
  const epochs = auto.epochs ? fewLabelEpochs(ctx.labelled, batchSize) : c.epochs;
  const steps = stepsPerEpoch(ctx.labelled, batchSize);
  const earlyStopping: EarlyStoppingSpec = {
    enabled: auto.earlyStopping ? ctx.valRows > 0 : c.earlyStopping.enabled,
    patience: auto.patience ? patienceEpochs(steps) : c.earlyStopping.patience,
  };
  const recipe: FreezeSpec = ctx.fromPretrained
    ? { headEpochs: headEpochs(steps, epochs), unfreeze: 'all', lastK: 1, lrFactor: FEW_LABELS.unfreezeFactor }
    : { ...c.freeze, headEpochs: 0 };
  const freeze = { ...c.freeze };
  for (const key of Object.keys(recipe) as (keyof FreezeSpec)[])
    if (auto.freeze[key]) (freeze as Record<string, unknown>)[key] = recipe[key];
  const augment = ctx.pictures === 'upload' || (ctx.pictures && ctx.labelled <= FEW_LABELS.augmentBelow);
  const augmentation = auto.augmentation && ctx.pictures ? AUGMENT_PRESETS[augment ? 'light' : 'off'] : c.augmentation;
  return { ...c, batchSize, epochs, earlyStopping, freeze, augmentation };
}

/**
 * The plan in words, under the epochs: "143 epochs × 7 steps = 1,001 steps (100 labelled rows in
 * batches of 16)", with the suggested minimum where fine-tuning falls short of it; a method whose
 * epoch is the unlabelled pool says so.
 */
export function describeSteps(
  c: Pick<TrainConfig, 'epochs' | 'batchSize' | 'stage'>,
  rows: number,
  pool?: { batchSize: number },
): { text: string; steps: number } {
  const perEpoch = stepsPerEpoch(rows, pool?.batchSize ?? c.batchSize);
  const steps = perEpoch * c.epochs;
  const fmt = (n: number) => n.toLocaleString('en-US');
  const plural = (n: number, word: string) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
  const head = `${plural(c.epochs, 'epoch')} × ${plural(perEpoch, 'step')} = ${fmt(steps)} steps`;
  if (pool)
    return {
      text: `${head} (each epoch a pass over ${plural(rows, 'unlabelled row')}, ${fmt(pool.batchSize)} a step with ${plural(c.batchSize, 'labelled row')}).`,
      steps,
    };
  const what = c.stage === 'finetune' ? 'labelled row' : 'row';
  const few =
    c.stage === 'finetune' && steps < FEW_LABELS.minSteps
      ? `; at least ${fmt(FEW_LABELS.minSteps)} steps are suggested`
      : '';
  return {
    text: `${head} (${plural(rows, what)} in batches of ${c.batchSize}${few}).`,
    steps,
  };
}
