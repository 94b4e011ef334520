// Fine-tuning's body: a network with a task head trained on labels, from scratch, from a
// pretrained encoder, from a fine-tuned (or imported) model, or going on from a checkpoint.
import type * as tf from '@tensorflow/tfjs';
import { restoreModel, restoreOptimizer } from '../../engine/checkpoint/serialize';
import type { Dataset } from '../../engine/data/dataset';
import { checkFits } from '../../engine/memory';
import { TRAINING_KERNELS, buildModel, textInput } from '../../engine/models/build';
import { completeConfig } from '../../shared/defaults';
import { classifierFromEncoder, savedWeights } from '../../engine/pretrain/encoders';
import { budgetedRows, epochRows, trainWithLabels, type SweepHooks } from '../../engine/train/loop';
import { FINETUNE_METHODS } from '../../engine/train/methods';
import { measureThroughput } from '../../engine/train/measure';
import { learningRateAt } from '../../shared/schedule';
import type { TrainConfig } from '../../shared/types/training';
import { decodeHistory, type RunHistory } from '../checkpointing';
import { checkpointMismatch, isConvolutional, scalingMismatch } from '../compatibility';
import { deleteCheckpoint, listCheckpoints, loadCheckpoint, type SavedCheckpoint } from '../data/checkpoints';
import type { RunBody, TrainContext } from './body';

/** The network a run starts with, built once the backend is chosen. */
interface Start {
  build(): Promise<tf.LayersModel>;
  conv: boolean;
  /** Where it comes from, in words ("scratch", a checkpoint's name). */
  from: string;
  /** The curve so far, when a run goes on from its checkpoint. */
  history?: RunHistory;
}

/** The run's network from random weights. */
function scratchModel(config: TrainConfig, ds: Dataset, outputs: number): tf.LayersModel {
  const { model, seed, head, convBlocks, text } = config;
  return buildModel(model, ds.inputShape, outputs, seed, head, convBlocks, textInput(ds, text));
}

/** Scratch, a pretrained encoder with a new head, or a fine-tuned (or imported) model. */
async function startingPoint(config: TrainConfig, ds: Dataset, outputs: number): Promise<Start> {
  if (config.initFrom === 'scratch')
    return {
      build: async () => scratchModel(config, ds, outputs),
      conv: config.model === 'cnn',
      from: 'scratch',
    };
  const { info, data } = await loadCheckpoint(config.initFrom);
  const why =
    checkpointMismatch(info, ds, info.stage === 'finetune') ??
    (info.origin === 'import' ? scalingMismatch(info.name, data.preprocessing, ds.preprocessing, ds.name) : null);
  if (why) throw new Error(info.origin === 'import' ? `${why} (imported from ${info.importedFrom})` : why);
  if (info.stage === 'pretrain') {
    const random = config.encoderInit === 'random';
    const weights = random ? [] : savedWeights(data.model);
    return {
      build: async () =>
        classifierFromEncoder(
          info.config.encoder,
          weights,
          ds.inputShape,
          outputs,
          config.seed,
          config.head,
          // The pretrained Transformer's own shape (older checkpoints have none: not text).
          textInput(ds, completeConfig(info.config).text),
        ),
      conv: info.config.encoder.kind === 'conv',
      from: random
        ? `scratch, the network of ${info.config.objective.id} encoder (${info.name})`
        : `${info.config.objective.id} encoder (${info.name})`,
    };
  }
  return {
    build: () => restoreModel(data.model, `The checkpoint "${info.name}"`),
    conv: isConvolutional(data.model.modelTopology),
    from: info.name,
  };
}

/** A checkpoint's run goes on from it: the later checkpoints of that run are abandoned. */
async function resumePoint(resume: SavedCheckpoint, ds: Dataset): Promise<Start> {
  const why = checkpointMismatch(resume.info, ds, true);
  if (why) throw new Error(why);
  for (const c of await listCheckpoints())
    if (c.runKey === resume.info.runKey && c.epoch > resume.info.epoch) await deleteCheckpoint(c.id);
  return {
    build: () => restoreModel(resume.data.model, `The checkpoint "${resume.info.name}"`),
    conv: isConvolutional(resume.data.model.modelTopology),
    from: resume.info.config.initFrom === 'scratch' ? 'scratch' : resume.info.runTitle,
    history: decodeHistory(resume.data.history),
  };
}

/**
 * `resume`: the checkpoint this run continues (its config is already the run's, see runConfig).
 * `makeRoom`: called just before the network is built (the last run's network goes then).
 */
export function finetuningBody(
  ds: Dataset,
  config: TrainConfig,
  resume: SavedCheckpoint | null,
  makeRoom: () => void = () => undefined,
  /** A learning-rate sweep instead of a run (see lrFinder.ts). */
  sweep?: SweepHooks,
): RunBody {
  const outputs = ds.task === 'classification' ? ds.classNames.length : 0;
  let start: Start | null = null;
  const body: RunBody & { model: tf.LayersModel | null } = {
    model: null,
    async plan() {
      const point = resume ? await resumePoint(resume, ds) : await startingPoint(config, ds, outputs);
      start = point;
      const epoch = epochRows(ds, config);
      return {
        title: resume
          ? resume.info.runTitle
          : `Fine-tune ${ds.name} from ${point.from}${config.method.id === 'supervised' ? '' : `, ${config.method.id}`}`,
        from: point.from,
        series: FINETUNE_METHODS[config.method.id].series,
        trainRows: budgetedRows(ds, config, config.seed).length,
        stepsPerEpoch: Math.ceil(epoch.rows.length / epoch.batchSize),
        requiredKernels: ds.kind === 'text' ? TRAINING_KERNELS.transformer : point.conv ? TRAINING_KERNELS.cnn : [],
        measure: () => measureThroughput(() => scratchModel(config, ds, outputs), ds, config.batchSize),
        history: point.history,
        rateAt: (step, stepsPerEpoch) => learningRateAt(config, step - 1, stepsPerEpoch),
      };
    },
    async *train({ control, checkpointer, readEvery, limits }: TrainContext) {
      makeRoom();
      const model = await start!.build();
      body.model = model;
      // Too big for this backend: said before the first step, with the limit.
      // A semi-supervised step also runs the unlabelled batch through the network.
      const epoch = epochRows(ds, config);
      const forward = config.batchSize + (epoch.rows === epoch.labelled ? 0 : epoch.batchSize);
      if (limits) checkFits(model, forward, limits, ds.features);
      const cfg = {
        ...config,
        ...sweep,
        readEvery,
        startEpoch: resume ? resume.info.epoch + 1 : 1,
        startStep: resume ? resume.info.step : 0,
      };
      return yield* trainWithLabels(model, ds, cfg, control, {
        restoreOptimizer: resume ? (opt) => restoreOptimizer(opt, resume.data.model.optimizer) : undefined,
        afterEpoch: (log, m, opt, last) => checkpointer.afterEpoch(log, m, opt, last),
      });
    },
  };
  return body;
}
