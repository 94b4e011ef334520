// Semi-supervised fine-tuning, FixMatch (Sohn et al. 2020). An epoch is one pass over the unlabelled
// pool (training rows outside the label budget, and rows without a label) in batches of `ratio` x
// the batch size; each step also takes a batch of labelled rows, drawn in turn from the label
// budget. The pseudo-labels come from the model in inference mode on a weak view, with no gradient;
// the loss is CE(labelled) + weight x mean over the unlabelled batch of mask x CE(strong view,
// pseudo-label). Held-back labels are read only to score the pseudo-labels, after the update.
import * as tf from '@tensorflow/tfjs';
import { METHODS } from '../../../shared/methods';
import { ownSettings } from '../../../shared/declared';
import { stepSeed } from '../../augment/batch';
import { twoViews } from '../../augment/views';
import type { Dataset } from '../../data/dataset';
import { mulberry32, shuffleInPlace } from '../../data/random';
import { batchTensors } from '../batches';
import { setLearningRate } from '../optimizers';
import type { FinetuneMethodModule } from './method';

/** The figures per step after the losses: summed over an epoch into its pseudo-label log. */
const FIGURES = ['unlabelled rows', 'passing', 'passing with a known label', 'right'] as const;

export const semiSupervised: FinetuneMethodModule = {
  info: METHODS['semi-supervised'],
  series: ['loss', 'labelled loss', 'unlabelled loss'],
  figures: [...FIGURES],
  epochFigures: ([unlabelled, passing, known, right]) => ({
    pseudoLabels: {
      maskRate: unlabelled! > 0 ? passing! / unlabelled! : 0,
      accuracy: known! > 0 ? right! / known! : null,
    },
  }),
  validate: (ds, pool) => {
    if (ds.task !== 'classification')
      return 'Semi-supervised fine-tuning learns classes (its pseudo-labels are classes): choose supervised for a number to predict.';
    if (!pool.length)
      return 'Semi-supervised fine-tuning has no unlabelled rows to learn from: set a label budget below (e.g. 10 labels per class), or add rows without a label, or choose supervised.';
    return null;
  },
  step: ({ model, ds, cfg, phase, rate, labelled, batchSize }) => {
    const s = ownSettings(cfg.method, 'semi-supervised', 'method');
    const classes = ds.classNames.length;
    return (pool, start, end, step) => {
      const seed = stepSeed(cfg.seed, step);
      const lRows = labelledBatch(labelled, batchSize, step, cfg.seed);
      const augment = cfg.augmentation && { spec: cfg.augmentation, seed };
      const { xs, ys } = batchTensors(model, ds, lRows, 0, lRows.length, augment);
      const views = twoViews(model, ds, pool, start, end, cfg.augmentation, seed ^ 0x27d4eb2f);
      const truth = heldBackLabels(ds, pool, start, end);
      const optimizer = phase.optimizer!;
      setLearningRate(optimizer, rate(step));
      const kept: tf.Scalar[] = [];
      // Pseudo-labels: inference mode (dropout off), outside the gradient.
      const { target, mask } = tf.tidy(() => {
        const probs = model.apply(views.weak, { training: false }) as tf.Tensor2D;
        return {
          target: tf.oneHot(probs.argMax(-1), classes).toFloat(),
          mask: probs.max(-1).greaterEqual(s.threshold).toFloat(),
        };
      });
      try {
        const total = optimizer.minimize(
          () => {
            const losses = consistencyLoss(model, { xs, ys }, { strong: views.strong, target, mask }, s.weight);
            kept.push(tf.keep(losses.labelled), tf.keep(losses.unlabelled));
            return losses.total;
          },
          true,
          phase.vars,
        ) as tf.Scalar;
        return [total, ...kept, ...tf.tidy(() => pseudoFigures(target, mask, truth))];
      } finally {
        tf.dispose([xs, ys, views.weak, views.strong, truth, target, mask]);
      }
    };
  },
};

/**
 * FixMatch's loss: mean cross-entropy of the labelled batch, plus `weight` x the mean over every
 * unlabelled row of mask x cross-entropy of the strong view against its pseudo-label (a row below
 * the threshold adds nothing, but counts in the mean).
 */
export function consistencyLoss(
  model: tf.LayersModel,
  l: { xs: tf.Tensor; ys: tf.Tensor },
  u: { strong: tf.Tensor; target: tf.Tensor; mask: tf.Tensor },
  weight: number,
): { total: tf.Scalar; labelled: tf.Scalar; unlabelled: tf.Scalar } {
  const labelled = tf.metrics.categoricalCrossentropy(l.ys, model.apply(l.xs, { training: true }) as tf.Tensor).mean();
  const perRow = tf.metrics.categoricalCrossentropy(u.target, model.apply(u.strong, { training: true }) as tf.Tensor);
  const unlabelled = perRow.mul(u.mask).mean();
  return {
    total: labelled.add(unlabelled.mul(weight)) as tf.Scalar,
    labelled: labelled as tf.Scalar,
    unlabelled: unlabelled as tf.Scalar,
  };
}

/** The step's figures (FIGURES): rows, rows passing, of those the ones with a known label, and the right ones. */
function pseudoFigures(target: tf.Tensor, mask: tf.Tensor, truth: tf.Tensor): tf.Scalar[] {
  const known = truth.greaterEqual(0).toFloat().mul(mask);
  const right = tf.equal(target.argMax(-1), truth).toFloat().mul(known);
  return [tf.scalar(mask.shape[0]!), mask.sum(), known.sum(), right.sum()] as tf.Scalar[];
}

/**
 * The labels of pool rows that have one (held back by the label budget), -1 for rows without: read
 * only to score the pseudo-labels, never to train.
 */
function heldBackLabels(ds: Dataset, pool: Int32Array, start: number, end: number): tf.Tensor1D {
  const y = ds.y as Int32Array;
  return tf.tensor1d(
    Int32Array.from(pool.subarray(start, end), (r) => (y[r]! >= 0 ? y[r]! : -1)),
    'int32',
  );
}

/**
 * Step `step`'s labelled rows: `size` rows taken in turn from an order of `labelled` that is
 * shuffled anew each time it has been gone through (seeded; a function of the step, so that a
 * resumed run takes the batches the uninterrupted one would have).
 */
export function labelledBatch(labelled: Int32Array, size: number, step: number, seed: number): Int32Array {
  const n = labelled.length;
  const out = new Int32Array(size);
  let cached = -1;
  let order = labelled;
  for (let i = 0; i < size; i++) {
    const k = step * size + i;
    const pass = Math.floor(k / n);
    if (pass !== cached) {
      order = shuffleInPlace(Int32Array.from(labelled), mulberry32(seed * 104729 + pass));
      cached = pass;
    }
    out[i] = order[k % n]!;
  }
  return out;
}
