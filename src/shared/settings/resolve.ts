// The settings a stage runs with: the defaults of what is current (the dataset, the objective, the
// label budget, the start point) with the user's own choices on top. Only choices are stored, so
// the defaults follow whatever becomes current, in whatever order it does (an upload while the
// page opens, a reload, a built-in, a sweep), and a choice is never overwritten.
import { AUGMENT_PRESETS } from '../augmentation';
import { DEFAULT_CONFIG } from '../defaults';
import { methodSettings } from '../methods';
import { OBJECTIVES, isObjective, objectiveSettings, objectivesFor, type ObjectiveChoice } from '../objectives';
import { defaultSweepEncoder } from '../sweep';
import type { DatasetSummary } from '../types/datasets';
import type { CheckpointInfo } from '../types/models';
import type { AugmentSpec, EncoderSpec, ModelKind, PretrainObjective, Stage, TrainConfig } from '../types/training';
import {
  USUAL_LR,
  fitToLabels,
  fitToMethod,
  labelledRows,
  methodStart,
  stepsPerEpoch,
  type AutoFit,
} from './fewLabels';
import type { Choices, StudioSettings } from './types';

export interface SettingsContext {
  dataset: DatasetSummary | null;
  checkpoints: CheckpointInfo[];
}

export { USUAL_LR } from './fewLabels';

/** Pretraining's epochs by default: its objective's steps (OBJECTIVES), within these bounds. */
const PRETRAIN_EPOCHS = [5, 100] as const;

/** Uploaded pictures: the CNN (translation-tolerant); the built-in digits: the reference MLP. */
export function defaultModel(ds: DatasetSummary | null): ModelKind {
  if (ds?.kind === 'text') return 'transformer';
  return ds?.kind === 'image' && ds.source === 'upload' ? 'cnn' : 'mlp';
}

/** A model kind the data can feed: text only the Transformer, tables only the MLP. */
function modelFits(kind: ModelKind, ds: DatasetSummary | null): boolean {
  if (!ds) return true;
  if (ds.kind === 'text') return kind === 'transformer';
  return kind === 'mlp' || (kind === 'cnn' && ds.kind === 'image');
}

/** Text pretrains by its objectives (masked language modeling), other data by the others. */
function objectiveFits(o: unknown, ds: DatasetSummary | null): o is PretrainObjective {
  // A stored choice this version does not know (another version's, or edited by hand) does not fit.
  if (!isObjective(o)) return false;
  return !ds || OBJECTIVES[o].readsText === (ds.kind === 'text');
}

/**
 * The encoder an objective starts with, unless it has its own (OBJECTIVES' usual encoder): the
 * reference Dense(128) for pictures, half the inputs for tables, or two conv blocks a decoder can
 * mirror.
 */
export function usualEncoder(
  objective: PretrainObjective,
  kind: EncoderSpec['kind'],
  ds: DatasetSummary | null = null,
): EncoderSpec {
  if (kind === 'transformer') return { kind, widths: [] };
  const own = OBJECTIVES[objective].usual?.encoder;
  if (kind === 'conv') return { kind, widths: own?.conv ?? [16, 8] };
  if (ds?.kind === 'table') return { kind, widths: [Math.max(2, Math.min(64, Math.round(ds.features / 2)))] };
  return own?.dense ? { kind, widths: own.dense } : DEFAULT_CONFIG.encoder;
}

/** The chosen encoder where it fits the data; only its kind chosen: that kind's usual widths. */
function resolveEncoder(
  chosen: Choices['shared']['encoder'],
  objective: PretrainObjective,
  ds: DatasetSummary | null,
): EncoderSpec {
  if (ds?.kind === 'text') return { kind: 'transformer', widths: [] };
  // Uploaded pictures fine-tune the CNN by default: their encoder is convolutional too, so that
  // fine-tuning from it keeps convolutions (the built-in digits keep the reference's dense layer).
  const usualKind = ds?.kind === 'image' && ds.source === 'upload' ? 'conv' : 'dense';
  const kind = chosen?.kind === 'conv' && ds?.kind !== 'image' ? 'dense' : (chosen?.kind ?? usualKind);
  if (kind === 'transformer') return usualEncoder(objective, 'dense', ds);
  const usual = usualEncoder(objective, kind, ds);
  return chosen?.widths && chosen.kind === kind ? { ...usual, ...chosen, kind } : usual;
}

/**
 * Augmentation pretraining starts with: the objective's own (contrastive: strong, its two views must
 * differ), uploaded pictures light (a small set needs it to generalize); the built-in digits, tables
 * and text none (the reference setup). Fine-tuning's follows its labelled rows (fewLabels.ts).
 */
function pretrainAugmentation(ds: DatasetSummary | null, objective: PretrainObjective): AugmentSpec {
  if (ds?.kind === 'text') return AUGMENT_PRESETS.off;
  const own = OBJECTIVES[objective].usual?.augmentation;
  if (own) return AUGMENT_PRESETS[own];
  return ds?.kind === 'image' && ds.source === 'upload' ? AUGMENT_PRESETS.light : AUGMENT_PRESETS.off;
}

/**
 * The start fine-tuning defaults to: the newest pretraining run's best checkpoint of this data (its
 * best probe), so that pretraining and then fine-tuning uses what was pretrained; scratch when there
 * is none. A chosen start that is gone falls back the same way.
 */
export function defaultStart(ds: DatasetSummary | null, checkpoints: CheckpointInfo[]): string {
  if (!ds) return 'scratch';
  const encoders = checkpoints.filter(
    (c) => c.stage === 'pretrain' && c.origin !== 'import' && c.inputSignature === ds.inputSignature,
  );
  return defaultSweepEncoder(encoders)?.id ?? 'scratch';
}

/** Which fitted fine-tuning settings follow the data: those the user did not set. */
export function autoFit(choices: Choices): AutoFit {
  const es = choices.shared.earlyStopping;
  const freeze = choices.shared.freeze ?? {};
  return {
    optimizer: choices.shared.optimizer?.kind === undefined,
    learningRate: choices.finetune.learningRate === undefined,
    schedule: choices.finetune.schedule === undefined,
    batchSize: choices.finetune.batchSize === undefined,
    augmentation: choices.finetune.augmentation === undefined,
    epochs: choices.finetune.epochs === undefined,
    earlyStopping: es?.enabled === undefined,
    patience: es?.patience === undefined,
    freeze: {
      headEpochs: freeze.headEpochs === undefined,
      unfreeze: freeze.unfreeze === undefined,
      lastK: freeze.lastK === undefined,
      lrFactor: freeze.lrFactor === undefined,
    },
  };
}

/** The settings `stage` (by default the one shown) runs with. */
export function resolveConfig(
  settings: StudioSettings,
  ctx: SettingsContext,
  stage: Stage = settings.stage,
): TrainConfig {
  const ds = ctx.dataset;
  const { shared } = settings.choices;
  const chosen = settings.choices[stage];
  const choice: ObjectiveChoice = shared.objective ?? {};
  const objective = objectiveFits(choice.id, ds) ? choice.id : objectivesFor(ds?.kind === 'text')[0]!;
  const usual = OBJECTIVES[objective].usual;
  const model = shared.model && modelFits(shared.model, ds) ? shared.model : defaultModel(ds);
  const initFrom =
    shared.initFrom && (shared.initFrom === 'scratch' || ctx.checkpoints.some((c) => c.id === shared.initFrom))
      ? shared.initFrom
      : defaultStart(ds, ctx.checkpoints);
  const merged = mergeShared(shared);
  const base: TrainConfig = {
    ...merged,
    stage,
    model,
    objective: objectiveSettings(objective, choice),
    method: methodSettings(shared.method),
    encoder: resolveEncoder(shared.encoder, objective, ds),
    initFrom,
  };
  const schedule = { ...DEFAULT_CONFIG.schedule, ...chosen.schedule };
  const chosenAugmentation = chosen.augmentation as AugmentSpec | undefined;
  if (stage === 'pretrain') {
    const augmentation = chosenAugmentation ?? pretrainAugmentation(ds, objective);
    const batchSize = chosen.batchSize ?? usual?.batchSize ?? DEFAULT_CONFIG.batchSize;
    const rows = ds ? ds.split.train + ds.split.val + (ds.unlabeled ?? 0) : 0;
    const epochs =
      chosen.epochs ??
      Math.min(
        PRETRAIN_EPOCHS[1],
        Math.max(PRETRAIN_EPOCHS[0], Math.ceil(OBJECTIVES[objective].steps / stepsPerEpoch(rows, batchSize))),
      );
    const learningRate = chosen.learningRate ?? usual?.learningRate ?? DEFAULT_CONFIG.learningRate;
    return { ...base, batchSize, epochs, learningRate, schedule, augmentation };
  }
  const auto = autoFit(settings.choices);
  // The method's own start (semi-supervised: SGD with momentum, cosine decay) where the user set none.
  const config: TrainConfig = methodStart(
    {
      ...base,
      batchSize: chosen.batchSize ?? DEFAULT_CONFIG.batchSize,
      epochs: chosen.epochs ?? DEFAULT_CONFIG.epochs,
      learningRate: chosen.learningRate ?? USUAL_LR[base.optimizer.kind],
      schedule,
      augmentation:
        chosenAugmentation ??
        (ds?.kind === 'image' && ds.source === 'upload' ? AUGMENT_PRESETS.light : AUGMENT_PRESETS.off),
    },
    auto,
  );
  if (!ds || ds.task === 'none') return config;
  const start = ctx.checkpoints.find((c) => c.id === initFrom);
  const fit = {
    labelled: labelledRows(ds, base),
    valRows: ds.split.val,
    fromPretrained: start?.stage === 'pretrain' && config.encoderInit === 'pretrained',
    pictures: ds.kind === 'image' ? ds.source : null,
  };
  return fitToMethod(fitToLabels(config, fit, auto), ds, auto, fit.fromPretrained);
}

/** The defaults with the shared choices on top, nested choices merged field by field. */
function mergeShared(shared: Choices['shared']): TrainConfig {
  const out: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const [key, value] of Object.entries(shared)) {
    if (value === undefined) continue;
    const base = out[key];
    out[key] = isRecord(value) && isRecord(base) ? { ...base, ...value } : value;
  }
  return out as unknown as TrainConfig;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
