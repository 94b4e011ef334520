// A training batch as tensors, and its loss: what every fine-tuning method's step builds on.
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { gatherBatch, trimPadding } from '../data/dataset';
import { sampleShape } from '../models/shape';
import type { AugmentSpec } from '../../shared/types/training';
import { inputBatch } from '../augment/batch';

/** The trainable variables in a stable order (Adam keeps its slots by position). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * A batch as tensors for `model`: inputs (augmented when `augment` is given: training batches
 * only) and targets (one-hot classes, or the standardized value).
 */
export function batchTensors(
  model: tf.LayersModel,
  ds: Dataset,
  rows: Int32Array,
  start: number,
  end: number,
  augment?: { spec: AugmentSpec; seed: number },
) {
  const batch = gatherBatch(ds, rows, start, end);
  const { y, size } = batch;
  // A text model of free length reads the batch cut to its longest text.
  const free = ds.preprocessing.kind === 'text' && model.inputs[0]!.shape[1] === null;
  const { x, length } = free ? trimPadding(batch.x, size, ds.features) : { x: batch.x, length: ds.features };
  const inShape = sampleShape(model, length);
  return tf.tidy(() => ({
    xs: inputBatch(ds, x, size, inShape, augment?.spec, augment?.seed ?? 0),
    ys:
      ds.task === 'regression'
        ? tf.tensor2d(y, [size, 1])
        : tf.oneHot(tf.tensor1d(y as Int32Array, 'int32'), ds.classNames.length),
  }));
}

/** Per-sample loss: categorical cross-entropy for classes, squared error for regression. */
export function sampleLoss(task: Dataset['task'], ys: tf.Tensor, out: tf.Tensor): tf.Tensor {
  return task === 'regression' ? tf.metrics.meanSquaredError(ys, out) : tf.metrics.categoricalCrossentropy(ys, out);
}

export function batchLoss(
  model: tf.LayersModel,
  task: Dataset['task'],
  xs: tf.Tensor,
  ys: tf.Tensor,
  training: boolean,
): tf.Scalar {
  return sampleLoss(task, ys, model.apply(xs, { training }) as tf.Tensor).mean() as tf.Scalar;
}
