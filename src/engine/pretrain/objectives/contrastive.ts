// Contrastive pretraining (SimCLR): two augmented views of each input, the encoder and a
// projection head; NT-Xent teaches each view to find its partner among the batch's other views
// (the steps and views: ../contrastive.ts).
import * as tf from '@tensorflow/tfjs';
import type { PretrainSnapshot } from '../../../shared/types/results';
import type { AugmentSpec } from '../../../shared/types/training';
import { stepSeed } from '../../augment/batch';
import { toPixels, type Dataset } from '../../data/dataset';
import { measureAutoencoder } from '../../train/measure';
import { PROJECTION_SIZE, contrastiveSteps, twoViews } from '../contrastive';
import { buildProjection } from '../models';
import { augments } from '../../../shared/augmentation';
import { OBJECTIVES, settingsOf } from '../../../shared/objectives';
import { checkEncoderAnd, configuredEncoder, encoderKernels } from './common';
import type { ObjectiveContext, ObjectiveSession, PretrainMethod } from './method';

const WITHOUT_VIEWS =
  'contrastive pretraining learns what two changed views of an input share, and with augmentation off both views ' +
  'are the same input; choose the light or strong preset (for tables: feature corruption, e.g. 0.3 to 0.6).';

function session({ ds, cfg, encoder, shape, shown, rate }: ObjectiveContext): ObjectiveSession {
  const spec = cfg.augmentation!;
  const projection = buildProjection(encoder, PROJECTION_SIZE, cfg.seed);
  const opt = tf.train.adam(cfg.learningRate);
  const steps = contrastiveSteps(encoder, projection, opt, settingsOf(cfg.objective, 'contrastive').temperature);
  // Held-out loss: validation rows only (never test rows), one batch of them, the same views each epoch.
  const held = ds.split.val.subarray(0, Math.min(ds.split.val.length, cfg.batchSize));
  return {
    step: (r, start, end, step) => {
      rate(step, opt);
      const views = twoViews(ds, shape, r, start, end, spec, stepSeed(cfg.seed, step));
      try {
        return [steps.train(...views)];
      } finally {
        tf.dispose(views);
      }
    },
    heldOut: async (e) => {
      if (held.length < 2) return { valLoss: NaN, valAccuracy: NaN, loss: e.trainLoss };
      const views = twoViews(ds, shape, held, 0, held.length, spec, cfg.seed);
      const loss = steps.heldOut(...views);
      const valLoss = (await loss.data())[0]!;
      tf.dispose([...views, loss]);
      return { valLoss, valAccuracy: NaN, loss: Number.isNaN(valLoss) ? e.trainLoss : valLoss };
    },
    pictures: async () => (ds.kind === 'image' ? { images: await viewPairs(ds, shape, shown, spec, cfg.seed) } : {}),
    dispose: () => {
      projection.dispose();
      opt.dispose();
    },
  };
}

export const contrastive: PretrainMethod = {
  info: OBJECTIVES.contrastive,
  series: ['contrastive'],
  validate: (cfg, refuse) => {
    if (!cfg.augmentation || !augments(cfg.augmentation)) refuse('Augmentation', WITHOUT_VIEWS);
    if (cfg.batchSize < 2)
      refuse('Batch size', 'contrastive learning compares the inputs of a batch; use 2 or more, such as 256.');
  },
  build: (ds, cfg) => {
    if (!cfg.augmentation) throw new Error('Contrastive pretraining needs augmentation to make its two views.');
    return configuredEncoder(ds, cfg, session);
  },
  // The projection head trains beside the encoder, on two views of each input.
  checkSize: (ds, cfg, limits) =>
    checkEncoderAnd(
      ds,
      cfg,
      limits,
      (encoder) => [buildProjection(encoder, PROJECTION_SIZE, cfg.seed)],
      2 * cfg.batchSize,
    ),
  kernels: encoderKernels,
  measure: (ds, cfg) => measureAutoencoder(cfg.encoder, ds, cfg.batchSize),
  // A conv encoder pools globally (a view's features wherever they are); saying so in the
  // checkpoint's settings makes fine-tuning rebuild the same network.
  savedEncoder: (encoder) => (encoder.kind === 'conv' ? { ...encoder, globalPool: true } : encoder),
};

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
