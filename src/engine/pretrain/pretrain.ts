// Pretraining without labels: an encoder learned by one of the objectives in ./objectives
// (autoencoder, denoising, GAN, contrastive, masked language modeling), each of which brings its
// step, its held-out figures and its pictures. Every row except the test split is used, labelled
// or not; labels are ignored. The encoder is the product: it is returned to the caller, every
// other network is disposed by its objective.
import * as tf from '@tensorflow/tfjs';
import type { EpochLog, PretrainSnapshot } from '../../shared/types/results';
import type { PretrainObjective } from '../../shared/types/training';
import { probeEncoder, probeRows, withProbe } from '../probe/probe';
import type { Dataset } from '../data/dataset';
import { RunControl } from '../train/control';
import { setLearningRate } from '../train/optimizers';
import { runBatches, withEpochs, type RunnerEvent, type RunnerResult } from '../train/runner';
import { checkFields } from '../../shared/fields';
import { inputs } from './objectives/common';
import { PRETRAIN_METHODS } from './objectives';
import type { EpochEnd, ObjectiveSession, PretrainConfig } from './objectives/method';
import { project2d } from './pca';

export type { PretrainConfig } from './objectives/method';
export { ganSteps } from './objectives/gan';
export { mlmSpec } from './objectives/mlm';

export type PretrainEvent =
  | Exclude<RunnerEvent, { type: 'epochEnd' }>
  | { type: 'epoch'; log: EpochLog }
  | { type: 'snapshot'; snapshot: PretrainSnapshot };

export interface PretrainResult extends RunnerResult {
  encoder: tf.LayersModel;
  /** Last held-out reconstruction loss (autoencoders), discriminator loss (GAN) or MLM loss. */
  loss: number;
}

/** Each objective's loss series. */
export const SERIES = Object.fromEntries(Object.values(PRETRAIN_METHODS).map((m) => [m.info.id, m.series])) as Record<
  PretrainObjective,
  string[]
>;

/** All rows but the test split: pretraining reads the unlabeled rows too, never the held-out ones. */
export function pretrainRows(ds: Dataset): Int32Array {
  const { train, val } = ds.split;
  const unlabeled = ds.unlabeled ?? new Int32Array(0);
  const out = new Int32Array(train.length + val.length + unlabeled.length);
  out.set(train);
  out.set(val, train.length);
  out.set(unlabeled, train.length + val.length);
  return out.sort();
}

/** Rows the pictures and held-out loss are computed on (test, or val when there is no test). */
function showRows(ds: Dataset, n: number): Int32Array {
  const pool = ds.split.test.length ? ds.split.test : ds.split.val.length ? ds.split.val : ds.split.train;
  return pool.subarray(0, Math.min(n, pool.length));
}

export async function* pretrain(
  ds: Dataset,
  cfg: PretrainConfig,
  control: RunControl,
  /** Called after each epoch with the encoder, between batches (e.g. to save a checkpoint). */
  afterEpoch?: (log: EpochLog, encoder: tf.LayersModel) => Promise<void>,
): AsyncGenerator<PretrainEvent, PretrainResult> {
  const method = PRETRAIN_METHODS[cfg.objective.id];
  checkFields(method.info.fields, cfg.objective, (field, why) => {
    throw new Error(`${field}: ${why}`);
  });
  const { encoder, shape, start } = method.build(ds, cfg);
  let session: ObjectiveSession | null = null;
  let finished = false;
  // Every objective's epochs get the encoder's probe (labels only).
  const probed = cfg.probe === false || cfg.quiet ? null : probeRows(ds, cfg, cfg.seed);
  const probe = probed ? () => probeEncoder(encoder, ds, shape, probed) : null;
  try {
    const rows = pretrainRows(ds);
    const shown = showRows(ds, 300);
    // A learning-rate sweep sets every optimizer's rate before each step.
    const rate = (step: number, ...optimizers: tf.Optimizer[]) => {
      if (cfg.rateAt) for (const o of optimizers) setLearningRate(o, cfg.rateAt(step));
    };
    const run = start({ ds, cfg, encoder, shape, rows, shown, rate });
    session = run;
    let lastLoss = NaN;
    const onEpochEnd = async function* (e: EpochEnd) {
      const held = await run.heldOut(e);
      lastLoss = held.loss;
      const log = epochLog(e, held.valLoss, held.valAccuracy);
      yield { type: 'epoch' as const, log };
      await afterEpoch?.(log, encoder);
      const pictures = await run.pictures(e);
      const snapshot: PretrainSnapshot = {
        epoch: e.epoch,
        ...pictures,
        embedding: await embedding(encoder, ds, shape, shown),
      };
      yield { type: 'snapshot' as const, snapshot };
    };
    const task = { series: method.series, rows, step: run.step };
    const result = yield* withEpochs(
      runBatches(task, cfg, control),
      cfg.quiet ? async function* () {} : withProbe(probe, onEpochEnd),
    );
    finished = true;
    return { ...result, encoder, loss: lastLoss };
  } finally {
    session?.dispose();
    if (!finished) encoder.dispose();
  }
}

/** An epoch's log: the runner's figures and the objective's held-out loss and accuracy (NaN: none). */
function epochLog(e: Extract<RunnerEvent, { type: 'epochEnd' }>, valLoss = NaN, valAccuracy = NaN): EpochLog {
  return { epoch: e.epoch, step: e.step, trainLoss: e.trainLoss, valLoss, valAccuracy, seconds: e.seconds };
}

/** The encoder's outputs of `rows`, projected to 2-D, coloured by label when there are labels. */
async function embedding(
  encoder: tf.LayersModel,
  ds: Dataset,
  shape: number[],
  rows: Int32Array,
): Promise<PretrainSnapshot['embedding']> {
  const x = inputs(ds, shape, rows, 0, rows.length);
  const codes = tf.tidy(() => (encoder.apply(x, { training: false }) as tf.Tensor).reshape([rows.length, -1]));
  const data = await codes.data();
  const width = codes.shape[1]!;
  tf.dispose([x, codes]);
  const vectors = Array.from({ length: rows.length }, (_, i) => Array.from(data.subarray(i * width, (i + 1) * width)));
  const p = project2d(vectors);
  const labels = ds.task === 'classification' && ds.y ? Array.from(rows, (r) => ds.y![r]!) : null;
  return { x: p.x, y: p.y, labels, classNames: ds.classNames, explained: p.explained };
}
