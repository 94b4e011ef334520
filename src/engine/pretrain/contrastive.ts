// Contrastive pretraining (SimCLR): two augmented views of each input go through the encoder and
// a projection head; NT-Xent teaches each view to find its partner among the batch's other views.
// For tables the views come from the table augmentation (feature corruption, SCARF's recipe).
import * as tf from '@tensorflow/tfjs';
import type { AugmentSpec } from '../../shared/types/training';
import { inputBatch, stepSeed } from '../augment/batch';
import type { Dataset } from '../data/dataset';
import { gatherBatch } from '../data/dataset';
import { trainableVariables } from '../train/loop';
import { ntXent } from './ntxent';

/** Width of the projection head's output, where the loss is taken (SimCLR's small space). */
export const PROJECTION_SIZE = 64;

/** Two differently augmented views of rows[start, end), shaped for the encoder. */
export function twoViews(
  ds: Dataset,
  shape: number[],
  rows: Int32Array,
  start: number,
  end: number,
  spec: AugmentSpec,
  seed: number,
): [tf.Tensor, tf.Tensor] {
  const { x, size } = gatherBatch(ds, rows, start, end);
  // Distinct seeds per view; stepSeed mixes them so neighbouring steps do not share views.
  return [
    inputBatch(ds, x, size, shape, spec, stepSeed(seed, 0)),
    inputBatch(ds, x, size, shape, spec, stepSeed(seed, 1)),
  ];
}

/** The contrastive update and the same loss without one (held-out rows). */
export function contrastiveSteps(
  encoder: tf.LayersModel,
  projection: tf.LayersModel,
  optimizer: tf.Optimizer,
  temperature: number,
) {
  const vars = [...trainableVariables(encoder), ...trainableVariables(projection)];
  const project = (x: tf.Tensor, training: boolean) =>
    projection.apply(encoder.apply(x, { training }), { training }) as tf.Tensor2D;
  // Both views in one pass: half the kernel launches, and one batch for the device.
  const loss = (a: tf.Tensor, b: tf.Tensor, training: boolean) => {
    const n = a.shape[0]!;
    const z = project(tf.concat([a, b]), training);
    return ntXent(z.slice([0, 0], [n, -1]), z.slice([n, 0], [n, -1]), temperature);
  };
  return {
    train: (a: tf.Tensor, b: tf.Tensor): tf.Scalar =>
      optimizer.minimize(() => loss(a, b, true), true, vars) as tf.Scalar,
    heldOut: (a: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.tidy(() => loss(a, b, false)),
  };
}
