import * as tf from '@tensorflow/tfjs';
import type { EncoderSpec } from '../../shared/types/training';
import type { Dataset } from '../data/dataset';
import { gatherBatch } from '../data/dataset';
import { buildDecoder, buildEncoder, encoderInputShape } from '../pretrain/models';
import { mulberry32 } from '../data/random';
import { buildMlmHead, maskTokens, mlmSteps } from '../text/mlm';
import { buildTextEncoder, type TransformerSpec } from '../text/transformer';
import { batchLoss, batchTensors, trainableVariables } from './loop';

interface Steppable {
  step(): tf.Scalar;
  dispose(): void;
}

/**
 * Samples per second of real training steps on the active backend. Warms up first: the first
 * WebGPU/WebGL steps compile shaders and would dominate. A backend whose steps take seconds (a
 * Transformer on a software GPU or the cpu backend) is not measured for minutes: once `budgetMs`
 * has passed, the rate of its last step is the answer.
 */
export async function measureSteps(
  make: () => Steppable,
  batchSize: number,
  opts: { warmupSteps?: number; minMs?: number; maxSteps?: number; budgetMs?: number } = {},
): Promise<number> {
  const { warmupSteps = 2, minMs = 600, maxSteps = 40, budgetMs = 8000 } = opts;
  const s = make();
  try {
    const begun = performance.now();
    for (let i = 0; i < warmupSteps; i++) {
      const t = performance.now();
      const l = s.step();
      await l.data();
      l.dispose();
      const now = performance.now();
      if (now - begun > budgetMs) return (batchSize * 1000) / (now - t);
    }
    const start = performance.now();
    let steps = 0;
    while (
      steps < maxSteps &&
      (steps < 3 || performance.now() - start < minMs) &&
      (steps === 0 || performance.now() - begun < budgetMs)
    ) {
      const losses: tf.Scalar[] = [];
      for (let k = 0; k < 5; k++, steps++) losses.push(s.step());
      const stacked = tf.stack(losses);
      await stacked.data();
      tf.dispose([stacked, ...losses]);
    }
    return (steps * batchSize * 1000) / (performance.now() - start);
  } finally {
    s.dispose();
  }
}

/** Throughput of the supervised update (the same as the training loop's). */
export function measureThroughput(
  build: () => tf.LayersModel,
  ds: Dataset,
  batchSize: number,
  opts?: Parameters<typeof measureSteps>[2],
): Promise<number> {
  return measureSteps(
    () => {
      const model = build();
      const optimizer = tf.train.adam(1e-3);
      const vars = trainableVariables(model);
      const rows = ds.split.train.subarray(0, Math.min(ds.split.train.length, batchSize));
      const { xs, ys } = batchTensors(model, ds, rows, 0, rows.length);
      return {
        step: () => optimizer.minimize(() => batchLoss(model, ds.task, xs, ys, true), true, vars)!,
        dispose: () => {
          tf.dispose([xs, ys]);
          optimizer.dispose();
          model.dispose();
        },
      };
    },
    batchSize,
    opts,
  );
}

/** Throughput of an autoencoder update (pretraining's `auto` choice; works on unlabeled data). */
export function measureAutoencoder(spec: EncoderSpec, ds: Dataset, batchSize: number): Promise<number> {
  return measureSteps(() => {
    const encoder = buildEncoder(spec, ds.inputShape, 1);
    const decoder = buildDecoder(spec, ds.inputShape, ds.kind === 'image', 1);
    const optimizer = tf.train.adam(1e-3);
    const vars = [...trainableVariables(encoder), ...trainableVariables(decoder)];
    const rows = ds.split.train.subarray(0, Math.min(ds.split.train.length, batchSize));
    const { x, size } = gatherBatch(ds, rows, 0, rows.length);
    const xs = tf.tensor(x, [size, ...encoderInputShape(spec, ds.inputShape)]);
    return {
      step: () =>
        optimizer.minimize(
          () => tf.losses.meanSquaredError(xs, decoder.apply(encoder.apply(xs)) as tf.Tensor) as tf.Scalar,
          true,
          vars,
        )!,
      dispose: () => {
        tf.dispose(xs);
        optimizer.dispose();
        encoder.dispose();
        decoder.dispose();
      },
    };
  }, batchSize);
}

/** Throughput of an MLM update (a text pretraining run's `auto` choice). */
export function measureMlm(spec: TransformerSpec, ds: Dataset, batchSize: number): Promise<number> {
  return measureSteps(() => {
    const { encoder, trunk } = buildTextEncoder(spec, 1);
    const head = buildMlmHead(spec.width, spec.vocabSize, 1);
    const optimizer = tf.train.adam(1e-3);
    const steps = mlmSteps(trunk, head, optimizer);
    const rows = ds.split.train.subarray(0, Math.min(ds.split.train.length, batchSize));
    const { x, size } = gatherBatch(ds, rows, 0, rows.length);
    const batch = maskTokens(x, size, spec.maxLen, spec.vocabSize, mulberry32(1));
    return {
      step: () => steps.train(batch),
      dispose: () => {
        optimizer.dispose();
        head.dispose();
        encoder.dispose();
      },
    };
  }, batchSize);
}

/** How many batches' losses to queue before one read: reads stall GPU backends, not CPU ones. */
export function defaultReadEvery(backend: string): number {
  return backend === 'webgpu' || backend === 'webgl' ? 10 : 1;
}
