import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { gatherBatch } from '../data/dataset';
import { trainableVariables } from './loop';

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
  const { x, y, size } = gatherBatch(ds, rows, 0, rows.length);
  const inShape = model.inputs[0]!.shape.slice(1) as number[];
  const xs = tf.tensor(x, [size, ...inShape]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), ds.classNames.length));
  const step = () =>
    optimizer.minimize(
      () => tf.metrics.categoricalCrossentropy(ys, model.apply(xs, { training: true }) as tf.Tensor).mean() as tf.Scalar,
      true,
      vars,
    )!;
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
