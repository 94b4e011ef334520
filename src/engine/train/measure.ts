import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { batchLoss, batchTensors, trainableVariables } from './loop';

/**
 * Samples per second of real training steps (same update as the loop) on the active backend.
 * Warms up first: the first WebGPU/WebGL steps compile shaders and would dominate.
 */
export async function measureThroughput(
  build: () => tf.LayersModel,
  ds: Dataset,
  batchSize: number,
  opts: { warmupSteps?: number; minMs?: number; maxSteps?: number } = {},
): Promise<number> {
  const { warmupSteps = 2, minMs = 600, maxSteps = 40 } = opts;
  const model = build();
  const optimizer = tf.train.adam(1e-3);
  const vars = trainableVariables(model);
  const rows = ds.split.train.subarray(0, Math.min(ds.split.train.length, batchSize));
  const size = rows.length;
  const { xs, ys } = batchTensors(model, ds, rows, 0, size);
  const step = () => optimizer.minimize(() => batchLoss(model, ds.task, xs, ys, true), true, vars)!;
  try {
    for (let i = 0; i < warmupSteps; i++) {
      const l = step();
      await l.data();
      l.dispose();
    }
    const start = performance.now();
    let steps = 0;
    while (steps < maxSteps && (steps < 3 || performance.now() - start < minMs)) {
      const losses: tf.Scalar[] = [];
      for (let k = 0; k < 5; k++, steps++) losses.push(step());
      const stacked = tf.stack(losses);
      await stacked.data();
      tf.dispose([stacked, ...losses]);
    }
    return (steps * size * 1000) / (performance.now() - start);
  } finally {
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  }
}

/** How many batches' losses to queue before one read: reads stall GPU backends, not CPU ones. */
export function defaultReadEvery(backend: string): number {
  return backend === 'webgpu' || backend === 'webgl' ? 10 : 1;
}
