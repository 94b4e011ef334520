// The fine-tuning optimizers and a way to change their rate between steps (schedules).
import * as tf from '@tensorflow/tfjs';
import { assertNever } from '../../shared/assertNever';
import type { OptimizerSpec } from '../../shared/types/training';

export function createOptimizer(spec: OptimizerSpec, learningRate: number): tf.Optimizer {
  switch (spec.kind) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, spec.momentum);
    case 'adam':
      return tf.train.adam(learningRate, spec.beta1, spec.beta2);
    default:
      return assertNever(spec.kind);
  }
}

// (`instanceof` cannot tell tfjs optimizers apart: Optimizer defines Symbol.hasInstance by duck typing.)
type WithRate = tf.Optimizer & { learningRate: number; setLearningRate?: (lr: number) => void; c?: tf.Tensor };

/** The rate the optimizer applies on its next step. */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as WithRate;
  if (o.learningRate === lr) return;
  // SGD and momentum keep the negated rate as a scalar tensor (setLearningRate renews it); Adam
  // reads its `learningRate` field on every step.
  if (o.setLearningRate) o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** Disposes an optimizer whole: tfjs 4.22's momentum optimizer leaves its rate scalar behind. */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const o = optimizer as WithRate;
  if (optimizer.getClassName() === 'Momentum' && o.c && !o.c.isDisposed) o.c.dispose();
}

export function describeOptimizer(spec: OptimizerSpec): string {
  if (spec.kind === 'sgd') return 'SGD';
  if (spec.kind === 'momentum') return `SGD, momentum ${spec.momentum}`;
  return `Adam (β1 ${spec.beta1}, β2 ${spec.beta2})`;
}

export function validateOptimizer(spec: OptimizerSpec): void {
  if (!['sgd', 'momentum', 'adam'].includes(spec.kind))
    throw new Error(`Optimizer: "${spec.kind}" is not one of SGD, momentum, Adam.`);
  const unit = (v: number) => Number.isFinite(v) && v >= 0 && v < 1;
  if (spec.kind === 'momentum' && !unit(spec.momentum))
    throw new Error('Momentum: use a number from 0 to below 1, such as 0.9.');
  if (spec.kind === 'adam' && (!unit(spec.beta1) || !unit(spec.beta2)))
    throw new Error('Adam betas: use numbers from 0 to below 1, such as 0.9 and 0.999.');
}
