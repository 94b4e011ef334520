import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { registerWasmKernels, segmentSum, tileFlat } from './wasmKernels';

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** The gradient of an embedding lookup (gather) with respect to the table. */
function gatherGradient(): number[] {
  const table = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
  const ids = tf.tensor1d([3, 0, 3, 1], 'int32');
  const weights = tf.tensor2d([1, 10, 100, 1000, 2, 20, 3, 30], [4, 2]);
  const grad = tf.grad((t: tf.Tensor) => tf.gather(t, ids).mul(weights).sum())(table);
  const out = Array.from(grad.dataSync());
  tf.dispose([table, ids, weights, grad]);
  return out;
}

describe('wasm kernels', () => {
  it('tile like tf.tile, for every rank and dtype the studio uses', async () => {
    await tf.setBackend('cpu');
    const cases: [number[], number[]][] = [
      [[3], [4]],
      [
        [2, 3],
        [3, 1],
      ],
      [
        [2, 3, 1],
        [1, 1, 5],
      ],
      [
        [1, 1, 4],
        [2, 3, 1],
      ],
      [
        [2, 1, 3, 2],
        [1, 3, 2, 2],
      ],
      [
        [2, 2],
        [1, 1],
      ],
    ];
    for (const [shape, reps] of cases)
      for (const dtype of ['float32', 'int32'] as const) {
        const x = tf.range(1, shape.reduce((a, b) => a * b, 1) + 1, 1, dtype).reshape(shape);
        const expected = tf.tile(x, reps);
        const values = x.dataSync() as Float32Array | Int32Array;
        const got = tileFlat(values, shape, reps);
        expect(got.constructor).toBe(values.constructor);
        expect(Array.from(got)).toEqual(Array.from(expected.dataSync()));
        tf.dispose([x, expected]);
      }
  });

  it('sums rows by segment, dropping ids out of range', () => {
    expect(Array.from(segmentSum([1, 2, 3, 4, 5, 6], [1, 1, 5], 2, 3))).toEqual([0, 0, 4, 6, 0, 0]);
  });

  it('give wasm the embedding gradient, equal to the cpu backend', async () => {
    await tf.setBackend('cpu');
    const expected = gatherGradient();
    expect(expected).toEqual([100, 1000, 3, 30, 0, 0, 3, 30]);
    await tf.setBackend('wasm');
    expect(() => gatherGradient()).toThrow(/UnsortedSegmentSum/);
    registerWasmKernels();
    expect(gatherGradient()).toEqual(expected);
    // The Tile kernel in place of wasm's own gives what tf.tile gives.
    const t = tf.tile(tf.tensor3d([1, 2, 3, 4], [2, 2, 1]), [1, 2, 3]);
    expect(t.shape).toEqual([2, 4, 3]);
    expect(Array.from(t.dataSync()).slice(0, 12)).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]);
    t.dispose();
  });
});
