// Parts the dense and conv encoders' objectives share: their inputs, their encoder, their size
// check and kernels.
import type * as tf from '@tensorflow/tfjs';
import type { AugmentSpec } from '../../../shared/types/training';
import { inputBatch } from '../../augment/batch';
import { gatherBatch, type Dataset } from '../../data/dataset';
import { checkFits, type DeviceLimits } from '../../memory';
import { TRAINING_KERNELS } from '../../models/build';
import { buildEncoder, encoderInputShape } from '../models';
import type { ObjectiveContext, ObjectiveSession, PlannedRun, PretrainConfig } from './method';

/** A batch of inputs shaped for the encoder; augmented when `augment` is given (training batches). */
export function inputs(
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

/** The run's own encoder settings (dense or conv) and a session started by `start`. */
export function configuredEncoder(
  ds: Dataset,
  cfg: PretrainConfig,
  start: (ctx: ObjectiveContext) => ObjectiveSession,
) {
  return {
    encoder: buildEncoder(cfg.encoder, ds.inputShape, cfg.seed),
    shape: encoderInputShape(cfg.encoder, ds.inputShape),
    start,
  };
}

/** Convolutions need their training kernels; a dense encoder trains anywhere. */
export const encoderKernels = (cfg: PlannedRun): string[] => (cfg.encoder.kind === 'conv' ? TRAINING_KERNELS.cnn : []);

/**
 * The encoder and the networks trained beside it (`others`, built on it), each checked against the
 * limits at `batch` samples (a contrastive batch holds two views of each input); all disposed.
 */
export function checkEncoderAnd(
  ds: Dataset,
  cfg: PlannedRun,
  limits: DeviceLimits,
  others: (encoder: tf.LayersModel) => tf.LayersModel[],
  batch = cfg.batchSize,
): void {
  const encoder = buildEncoder(cfg.encoder, ds.inputShape, cfg.seed);
  const models: tf.LayersModel[] = [encoder];
  try {
    models.push(...others(encoder));
    for (const m of models) checkFits(m, batch, limits);
  } finally {
    models.forEach((m) => m.dispose());
  }
}
