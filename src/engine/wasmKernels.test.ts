import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { registerWasmKernels, segmentSum } from './wasmKernels';

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
  });
});
