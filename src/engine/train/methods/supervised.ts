// Supervised fine-tuning: each step is a batch of labelled rows, cross-entropy (or MSE for
// regression) against their labels.
import * as tf from '@tensorflow/tfjs';
import { METHODS } from '../../../shared/methods';
import { stepSeed } from '../../augment/batch';
import { batchLoss, batchTensors } from '../batches';
import { setLearningRate } from '../optimizers';
import type { FinetuneMethodModule } from './method';

export const supervised: FinetuneMethodModule = {
  info: METHODS.supervised,
  series: ['loss'],
  step:
    ({ model, ds, cfg, phase, rate }) =>
    (rows, start, end, step) => {
      // Each batch is assembled on the CPU and uploaded: measured faster here than keeping the
      // training set on the device and gathering (5x slower on WebGL, see README, Benchmark).
      const augment = cfg.augmentation && { spec: cfg.augmentation, seed: stepSeed(cfg.seed, step) };
      const { xs, ys } = batchTensors(model, ds, rows, start, end, augment);
      try {
        const optimizer = phase.optimizer!;
        setLearningRate(optimizer, rate(step));
        return [optimizer.minimize(() => batchLoss(model, ds.task, xs, ys, true), true, phase.vars) as tf.Scalar];
      } finally {
        tf.dispose([xs, ys]);
      }
    },
};
