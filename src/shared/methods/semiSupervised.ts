// Semi-supervised fine-tuning (FixMatch, Sohn et al. 2020): the unlabelled rows teach the model as
// it fine-tunes. Each step, the model labels a weak view of unlabelled rows where it is confident
// past a threshold, and learns those pseudo-labels on a strong view of the same rows. Measured on the
// digits with 10 labels a class (../shared/FINDINGS.md, README): the strong view is what makes it
// work; SGD with momentum and a cosine decay did a point better than Adam.
import { AUGMENT_PRESETS } from '../augmentation';
import type { MethodInfo } from './info';

export interface SemiSupervisedSettings {
  /** A pseudo-label counts where the model's probability on the weak view is at least this. */
  threshold: number;
  /** Unlabelled rows per labelled row in a step (FixMatch's mu). */
  ratio: number;
  /** The weight of the unlabelled rows' loss against the labelled rows' (lambda_u). */
  weight: number;
}

export const semiSupervised: MethodInfo<'semi-supervised', SemiSupervisedSettings> = {
  id: 'semi-supervised',
  label: 'Semi-supervised (FixMatch: the unlabelled rows too)',
  fields: {
    threshold: {
      kind: 'number',
      label: 'Confidence threshold',
      testId: 'ssl-threshold',
      default: 0.95,
      min: 0.5,
      max: 0.999,
    },
    ratio: {
      kind: 'number',
      label: 'Unlabelled rows per labelled row',
      testId: 'ssl-ratio',
      default: 7,
      min: 1,
      max: 16,
      integer: true,
    },
    weight: {
      kind: 'number',
      label: 'Weight of the unlabelled loss',
      testId: 'ssl-weight',
      default: 1,
      min: 0,
      max: 10,
    },
  },
  // An epoch is one pass over the unlabelled rows, `ratio` for each labelled row of a step.
  epoch: (c) => ({ over: 'pool', batchSize: Math.max(1, Math.min(c.pool, c.ratio * c.batchSize)) }),
  usual: {
    // FixMatch's own: SGD with Nesterov momentum 0.9 and a cosine decay to a fifth of the rate.
    optimizer: 'momentum',
    learningRate: 0.03,
    schedule: { kind: 'cosine', minFactor: 0.2 },
    // About 1,000 steps give most of the gain, 2,000-4,000 the rest (FINDINGS.md). Early stopping
    // is off: the validation loss can rise while the accuracy climbs (the model grows confident as
    // the pseudo-labels spread), so the lowest loss may be the first epoch's; FixMatch keeps its last
    // weights, and the cosine decay ends the run slowly. Turned on, it waits longer than supervised's.
    steps: 2000,
    earlyStopping: false,
    patienceSteps: 600,
    // FixMatch's 32 labelled rows a step (drawn in turn: a pass over 100 labels is 3 steps).
    batchSize: 32,
    // The weak view: small shifts (2 pixels of 28), light noise; texts none.
    augmentation: {
      image: { ...AUGMENT_PRESETS.off, preset: 'custom', shift: 0.08 },
      table: { ...AUGMENT_PRESETS.off, preset: 'custom', noise: 0.05 },
    },
  },
  hint: (c) =>
    `Each step takes ${c.batchSize} labelled rows and up to ${c.ratio * c.batchSize} unlabelled ones (training rows ` +
    `outside the label budget, and rows without a label). The model labels a weak view of each unlabelled row ` +
    `(the augmentation below); where it is at least ${c.threshold} sure, it learns that label on a strong view ` +
    `(${STRONG_VIEW[c.kind]}). The labels of held-back rows are never used for training; the chart shows how ` +
    `many pseudo-labels pass and, where the labels exist, how many are right.`,
};

/** The strong view per data kind, in words (the engine's augment/strongView.ts makes it). */
export const STRONG_VIEW: Record<'image' | 'table' | 'text', string> = {
  image: 'the strong preset: shifts, rotation, zoom, contrast, noise and a cut-out square',
  table: 'a third of the features taken from other rows, and noise',
  text: 'a sixth of the tokens masked and a tenth deleted',
};
