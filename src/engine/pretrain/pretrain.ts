// Pretraining without labels: autoencoder (MSE), denoising autoencoder (MSE against the clean
// input), and GAN (binary cross-entropy, alternating discriminator and generator updates). Every
// row except the test split is used, labelled or not; labels are ignored. The encoder is the
// product: it is returned to the caller, every other network is disposed here.
import * as tf from '@tensorflow/tfjs';
import type { EpochLog, PretrainSnapshot } from '../../shared/types/results';
import type {
  AugmentSpec,
  NoiseSpec,
  PretrainObjective,
  EncoderSpec,
  TextModelSpec,
} from '../../shared/types/training';
import { DEFAULT_CONFIG } from '../../shared/defaults';
import { probeEncoder, probeRows, withProbe, type LabelBudgetSettings } from '../probe/probe';
import { inputBatch, stepSeed } from '../augment/batch';
import type { Dataset } from '../data/dataset';
import { gatherBatch, toPixels, trimPadding } from '../data/dataset';
import { RunControl } from '../train/control';
import { trainableVariables, type SweepHooks } from '../train/loop';
import { setLearningRate } from '../train/optimizers';
import {
  runBatches,
  withEpochs,
  type RunnerConfig,
  type RunnerEvent,
  type RunnerResult,
  type StepTask,
} from '../train/runner';
import { PROJECTION_SIZE, contrastiveSteps, twoViews } from './contrastive';
import { corrupt, validateNoise } from './corrupt';
import { buildCritic, buildDecoder, buildEncoder, buildGenerator, buildProjection, encoderInputShape } from './models';
import { project2d } from './pca';
import { mulberry32 } from '../data/random';
import { buildMlmHead, fillMasks, maskTokens, mlmSteps, type MaskedBatch } from '../text/mlm';
import { buildTextEncoder, type TransformerSpec } from '../text/transformer';
import { tokenizerFor } from '../text/cache';

export interface PretrainConfig extends RunnerConfig, Partial<LabelBudgetSettings>, SweepHooks {
  objective: PretrainObjective;
  encoder: EncoderSpec;
  noise: NoiseSpec;
  learningRate: number;
  latentSize: number;
  /** Changes made to training batches (none when absent); contrastive: how its views differ. */
  augmentation?: AugmentSpec;
  /** Contrastive: NT-Xent's temperature. */
  temperature?: number;
  /** Probe the encoder after every epoch when the dataset has labels (default true; see probe.ts). */
  probe?: boolean;
  /** MLM: the Transformer's settings (the defaults when absent). */
  text?: TextModelSpec;
}

export type PretrainEvent =
  | Exclude<RunnerEvent, { type: 'epochEnd' }>
  | { type: 'epoch'; log: EpochLog }
  | { type: 'snapshot'; snapshot: PretrainSnapshot };

export interface PretrainResult extends RunnerResult {
  encoder: tf.LayersModel;
  /** Last held-out reconstruction loss (autoencoders), discriminator loss (GAN) or MLM loss. */
  loss: number;
}

export const SERIES: Record<PretrainObjective, string[]> = {
  autoencoder: ['reconstruction'],
  denoising: ['reconstruction'],
  gan: ['discriminator', 'generator'],
  contrastive: ['contrastive'],
  mlm: ['masked LM'],
};

/** All rows but the test split: pretraining may use unlabeled rows, never the held-out ones. */
export function pretrainRows(ds: Dataset): Int32Array {
  const out = new Int32Array(ds.split.train.length + ds.split.val.length);
  out.set(ds.split.train);
  out.set(ds.split.val, ds.split.train.length);
  return out.sort();
}

/** Rows the pictures and held-out loss are computed on (test, or val when there is no test). */
function showRows(ds: Dataset, n: number): Int32Array {
  const pool = ds.split.test.length ? ds.split.test : ds.split.val.length ? ds.split.val : ds.split.train;
  return pool.subarray(0, Math.min(n, pool.length));
}

/** A batch of inputs shaped for the encoder; augmented when `augment` is given (training batches). */
function inputs(
  ds: Dataset,
  shape: number[],
  rows: Int32Array,
  start: number,
  end: number,
  augment?: { spec: AugmentSpec | undefined; seed: number },
): tf.Tensor {
  const { x, size } = gatherBatch(ds, rows, start, end);
  return inputBatch(ds, x, size, shape, augment?.spec, augment?.seed ?? 0);
}

export async function* pretrain(
  ds: Dataset,
  cfg: PretrainConfig,
  control: RunControl,
  /** Called after each epoch with the encoder, between batches (e.g. to save a checkpoint). */
  afterEpoch?: (log: EpochLog, encoder: tf.LayersModel) => Promise<void>,
): AsyncGenerator<PretrainEvent, PretrainResult> {
  if (cfg.objective === 'denoising') validateNoise(cfg.noise);
  const pixels = ds.kind === 'image';
  // Text: the Transformer, as an encoder of whole texts (saved) and a per-token trunk (MLM's input).
  const text = cfg.objective === 'mlm' ? buildTextEncoder(mlmSpec(ds, cfg.text), cfg.seed) : null;
  const shape = text ? ds.inputShape : encoderInputShape(cfg.encoder, ds.inputShape);
  const encoder: tf.LayersModel = text ? text.encoder : buildEncoder(cfg.encoder, ds.inputShape, cfg.seed);
  const owned: { dispose(): void }[] = [];
  let finished = false;
  // Every objective's epochs go through `epochs`: each epoch log gets the encoder's probe (labels only).
  const probed = cfg.probe === false || cfg.quiet ? null : probeRows(ds, cfg, cfg.seed);
  const probe = probed ? () => probeEncoder(encoder, ds, shape, probed) : null;
  const epochs = <E extends { type: string }>(
    inner: AsyncGenerator<RunnerEvent, RunnerResult>,
    onEpochEnd: (e: Extract<RunnerEvent, { type: 'epochEnd' }>) => AsyncGenerator<E>,
  ) => withEpochs(inner, cfg.quiet ? async function* () {} : withProbe(probe, onEpochEnd));
  // A learning-rate sweep sets every optimizer's rate before each step.
  const rate = (step: number, ...optimizers: tf.Optimizer[]) => {
    if (cfg.rateAt) for (const o of optimizers) setLearningRate(o, cfg.rateAt(step));
  };
  try {
    const rows = pretrainRows(ds);
    const shown = showRows(ds, 300);
    let result: RunnerResult;
    let lastLoss = NaN;

    if (cfg.objective === 'gan') {
      const generator = buildGenerator(cfg.encoder, ds.inputShape, cfg.latentSize, pixels, cfg.seed);
      owned.push(generator);
      const critic = buildCritic(encoder, cfg.seed);
      owned.push(critic);
      const dOpt = tf.train.adam(cfg.learningRate, 0.5);
      const gOpt = tf.train.adam(cfg.learningRate, 0.5);
      owned.push(dOpt, gOpt);
      const fixedNoise = tf.randomNormal([16, cfg.latentSize], 0, 1, 'float32', cfg.seed);
      owned.push(fixedNoise);
      const steps = ganSteps(encoder, critic, generator, dOpt, gOpt, cfg.latentSize);
      const task: StepTask = {
        series: SERIES.gan,
        rows,
        step: (r, start, end, step) => {
          rate(step, dOpt, gOpt);
          const real = inputs(ds, shape, r, start, end, { spec: cfg.augmentation, seed: stepSeed(cfg.seed, step) });
          try {
            const d = steps.discriminator(real);
            return [d, steps.generator(real.shape[0])];
          } finally {
            real.dispose();
          }
        },
      };
      result = yield* epochs(runBatches(task, cfg, control), async function* (e) {
        lastLoss = e.trainLoss;
        const log = epochLog(e);
        yield { type: 'epoch' as const, log };
        await afterEpoch?.(log, encoder);
        const snapshot: PretrainSnapshot = { epoch: e.epoch, embedding: await embedding(encoder, ds, shape, shown) };
        if (pixels) {
          const fake = tf.tidy(() => generator.apply(fixedNoise, { training: false }) as tf.Tensor);
          const data = await fake.data();
          fake.dispose();
          const [h, w, c] = ds.inputShape as [number, number, number];
          snapshot.images = {
            kind: 'samples',
            height: h,
            width: w,
            channels: c,
            inputs: [],
            outputs: toPixels(data as Float32Array, 16, h * w * c),
          };
        }
        yield { type: 'snapshot' as const, snapshot };
      });
    } else if (cfg.objective === 'contrastive') {
      if (!cfg.augmentation) throw new Error('Contrastive pretraining needs augmentation to make its two views.');
      const spec = cfg.augmentation;
      const projection = buildProjection(encoder, PROJECTION_SIZE, cfg.seed);
      const opt = tf.train.adam(cfg.learningRate);
      owned.push(projection, opt);
      const steps = contrastiveSteps(encoder, projection, opt, cfg.temperature ?? 0.2);
      // Held-out loss: validation rows only (never test rows), one batch of them, the same views each epoch.
      const held = ds.split.val.subarray(0, Math.min(ds.split.val.length, cfg.batchSize));
      const task: StepTask = {
        series: SERIES.contrastive,
        rows,
        step: (r, start, end, step) => {
          rate(step, opt);
          const views = twoViews(ds, shape, r, start, end, spec, stepSeed(cfg.seed, step));
          try {
            return [steps.train(...views)];
          } finally {
            tf.dispose(views);
          }
        },
      };
      result = yield* epochs(runBatches(task, cfg, control), async function* (e) {
        let valLoss = NaN;
        if (held.length > 1) {
          const views = twoViews(ds, shape, held, 0, held.length, spec, cfg.seed);
          const loss = steps.heldOut(...views);
          valLoss = (await loss.data())[0]!;
          tf.dispose([...views, loss]);
        }
        lastLoss = Number.isNaN(valLoss) ? e.trainLoss : valLoss;
        const log = epochLog(e, valLoss);
        yield { type: 'epoch' as const, log };
        await afterEpoch?.(log, encoder);
        const snapshot: PretrainSnapshot = { epoch: e.epoch, embedding: await embedding(encoder, ds, shape, shown) };
        if (pixels) snapshot.images = await viewPairs(ds, shape, shown, spec, cfg.seed);
        yield { type: 'snapshot' as const, snapshot };
      });
    } else if (text) {
      const length = ds.features;
      const vocab = mlmSpec(ds, cfg.text).vocabSize;
      const tokenizer = tokenizerFor(
        (ds.preprocessing as Extract<Dataset['preprocessing'], { kind: 'text' }>).tokenizer,
      );
      const head = buildMlmHead(encoder.outputs[0]!.shape[1]!, vocab, cfg.seed);
      const opt = tf.train.adam(cfg.learningRate);
      owned.push(head, opt);
      const steps = mlmSteps(text.trunk, head, opt);
      // Held-out perplexity: validation rows (test rows only without a validation split), masked
      // once, the same every epoch.
      const heldRows = ds.split.val.length ? ds.split.val : shown;
      const held = heldRows.subarray(0, Math.min(heldRows.length, 512));
      const maskRand = mulberry32(cfg.seed ^ 0x6d6c6d);
      const heldBatches: MaskedBatch[] = [];
      for (let start = 0; start < held.length; start += cfg.batchSize) {
        const { x, size } = gatherBatch(ds, held, start, Math.min(held.length, start + cfg.batchSize));
        const t = trimPadding(x, size, length);
        heldBatches.push(maskTokens(t.x, size, t.length, vocab, maskRand));
      }
      const pictured = gatherBatch(ds, held, 0, Math.min(held.length, 4));
      const task: StepTask = {
        series: SERIES.mlm,
        rows,
        step: (r, start, end, step) => {
          rate(step, opt);
          // Cut to the batch's longest text: short texts do not pay for the padding of long ones.
          const t = trimPadding(gatherBatch(ds, r, start, end).x, end - start, length);
          return [steps.train(maskTokens(t.x, end - start, t.length, vocab, mulberry32(stepSeed(cfg.seed, step))))];
        },
      };
      result = yield* epochs(runBatches(task, cfg, control), async function* (e) {
        const report = await steps.evaluate(heldBatches);
        lastLoss = report.loss;
        const log = epochLog(e, report.loss, report.accuracy);
        yield { type: 'epoch' as const, log };
        await afterEpoch?.(log, encoder);
        const fills = await fillMasks(
          text.trunk,
          head,
          pictured.x,
          pictured.size,
          length,
          (id) => tokenizer.idToToken(id),
          mulberry32(cfg.seed + 7),
        );
        yield {
          type: 'snapshot' as const,
          snapshot: {
            epoch: e.epoch,
            fills,
            perplexity: report.perplexity,
            maskedAccuracy: report.accuracy,
            embedding: await embedding(encoder, ds, shape, shown),
          },
        };
      });
    } else {
      const decoder = buildDecoder(cfg.encoder, ds.inputShape, pixels, cfg.seed);
      const opt = tf.train.adam(cfg.learningRate);
      owned.push(decoder, opt);
      const vars = [...trainableVariables(encoder), ...trainableVariables(decoder)];
      const noise = cfg.objective === 'denoising' ? cfg.noise : null;
      const reconstruct = (x: tf.Tensor, training: boolean) =>
        decoder.apply(encoder.apply(x, { training }), { training }) as tf.Tensor;
      const task: StepTask = {
        series: SERIES[cfg.objective],
        rows,
        step: (r, start, end, step) => {
          rate(step, opt);
          // An augmented view is both the input and the target: the encoder learns what survives it.
          const clean = inputs(ds, shape, r, start, end, { spec: cfg.augmentation, seed: stepSeed(cfg.seed, step) });
          const input = noise ? corrupt(clean, noise) : clean;
          try {
            return [
              opt.minimize(
                () => tf.losses.meanSquaredError(clean, reconstruct(input, true)) as tf.Scalar,
                true,
                vars,
              ) as tf.Scalar,
            ];
          } finally {
            tf.dispose(noise ? [clean, input] : [clean]);
          }
        },
      };
      result = yield* epochs(runBatches(task, cfg, control), async function* (e) {
        const heldOut = await reconstructionReport(ds, shape, shown, (x) => reconstruct(x, false), noise);
        lastLoss = heldOut.mse;
        const log = epochLog(e, heldOut.mse);
        yield { type: 'epoch' as const, log };
        await afterEpoch?.(log, encoder);
        yield {
          type: 'snapshot' as const,
          snapshot: {
            epoch: e.epoch,
            images: heldOut.images,
            columnErrors: heldOut.columnErrors,
            embedding: await embedding(encoder, ds, shape, shown),
          },
        };
      });
    }
    finished = true;
    return { ...result, encoder, loss: lastLoss };
  } finally {
    owned.forEach((o) => o.dispose());
    if (!finished) encoder.dispose();
  }
}

/** An epoch's log: the runner's figures and the objective's held-out loss and accuracy (NaN: none). */
function epochLog(e: Extract<RunnerEvent, { type: 'epochEnd' }>, valLoss = NaN, valAccuracy = NaN): EpochLog {
  return { epoch: e.epoch, step: e.step, trainLoss: e.trainLoss, valLoss, valAccuracy, seconds: e.seconds };
}

/** The Transformer MLM pretrains: the run's settings and the dataset's vocabulary and length. */
export function mlmSpec(ds: Dataset, text: TextModelSpec | undefined): TransformerSpec {
  if (ds.preprocessing.kind !== 'text')
    throw new Error('Masked language modeling needs a text dataset (a table with a text column).');
  return { ...(text ?? DEFAULT_CONFIG.text), vocabSize: ds.preprocessing.tokenizer.vocab.length, maxLen: ds.features };
}

/**
 * The GAN's two updates, each touching only its own network's variables: the discriminator
 * (encoder + head) learns real versus generated; the generator learns to be called real.
 */
export function ganSteps(
  encoder: tf.LayersModel,
  critic: tf.LayersModel,
  generator: tf.LayersModel,
  dOpt: tf.Optimizer,
  gOpt: tf.Optimizer,
  latent: number,
) {
  const dVars = [...trainableVariables(encoder), ...trainableVariables(critic)];
  const gVars = trainableVariables(generator);
  const logit = (x: tf.Tensor) => critic.apply(encoder.apply(x, { training: true }), { training: true }) as tf.Tensor;
  return {
    discriminator(real: tf.Tensor): tf.Scalar {
      const n = real.shape[0];
      const z = tf.randomNormal([n, latent]);
      const loss = dOpt.minimize(
        () => {
          const fake = generator.apply(z, { training: true }) as tf.Tensor;
          const realLoss = tf.losses.sigmoidCrossEntropy(tf.onesLike(logit(real)), logit(real));
          const fakeLogit = logit(fake);
          return realLoss.add(tf.losses.sigmoidCrossEntropy(tf.zerosLike(fakeLogit), fakeLogit)) as tf.Scalar;
        },
        true,
        dVars,
      ) as tf.Scalar;
      z.dispose();
      return loss;
    },
    generator(n: number): tf.Scalar {
      const z = tf.randomNormal([n, latent]);
      const loss = gOpt.minimize(
        () => {
          const fakeLogit = logit(generator.apply(z, { training: true }) as tf.Tensor);
          return tf.losses.sigmoidCrossEntropy(tf.onesLike(fakeLogit), fakeLogit) as tf.Scalar;
        },
        true,
        gVars,
      ) as tf.Scalar;
      z.dispose();
      return loss;
    },
  };
}

/** Eight inputs as the contrastive run sees them: each input's two views, side by side. */
async function viewPairs(
  ds: Dataset,
  shape: number[],
  rows: Int32Array,
  spec: AugmentSpec,
  seed: number,
): Promise<PretrainSnapshot['images']> {
  const n = Math.min(8, rows.length);
  const [a, b] = twoViews(ds, shape, rows, 0, n, spec, seed);
  const [da, db] = await Promise.all([a.data(), b.data()]);
  tf.dispose([a, b]);
  const [h, w, c] = ds.inputShape as [number, number, number];
  return {
    kind: 'views',
    height: h,
    width: w,
    channels: c,
    inputs: toPixels(da as Float32Array, n, h * w * c),
    outputs: toPixels(db as Float32Array, n, h * w * c),
  };
}

/** Held-out reconstruction error, the picture grid (images) and the error per column (tables). */
async function reconstructionReport(
  ds: Dataset,
  shape: number[],
  rows: Int32Array,
  reconstruct: (x: tf.Tensor) => tf.Tensor,
  noise: NoiseSpec | null,
) {
  const x = inputs(ds, shape, rows, 0, rows.length);
  // Denoising: the pictures show the corrupted inputs that were actually reconstructed.
  const corrupted = noise ? corrupt(x, noise) : null;
  const out = tf.tidy(() => reconstruct(corrupted ?? x));
  const perFeature = tf.tidy(() => out.sub(x).square().reshape([rows.length, -1]).mean(0));
  const [outData, featErr, inData] = await Promise.all([out.data(), perFeature.data(), (corrupted ?? x).data()]);
  tf.dispose([x, out, perFeature, ...(corrupted ? [corrupted] : [])]);
  const mse = Array.from(featErr).reduce((a, b) => a + b, 0) / featErr.length;
  const report: { mse: number; images?: PretrainSnapshot['images']; columnErrors?: PretrainSnapshot['columnErrors'] } =
    { mse };
  if (ds.kind === 'image') {
    const [h, w, c] = ds.inputShape as [number, number, number];
    const n = Math.min(8, rows.length);
    report.images = {
      kind: 'reconstruction',
      height: h,
      width: w,
      channels: c,
      inputs: toPixels(inData as Float32Array, n, h * w * c),
      outputs: toPixels(outData as Float32Array, n, h * w * c),
    };
  } else if (ds.preprocessing.kind === 'table') {
    // One-hot inputs are summed back to their column.
    const errors: { column: string; mse: number }[] = [];
    let k = 0;
    for (const f of ds.preprocessing.features) {
      const width = f.type === 'numeric' ? 1 : f.categories.length + (f.other ? 1 : 0);
      let sum = 0;
      for (let j = 0; j < width; j++) sum += featErr[k + j]!;
      errors.push({ column: f.column, mse: sum });
      k += width;
    }
    report.columnErrors = errors;
  }
  return report;
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
