// The app registers its wasm kernels before the backend starts (a fresh module graph here, unlike
// wasmKernels.test.ts, where wasm has started first): wasm's own setup must still run for them.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, expect, it } from 'vitest';
import { registerWasmKernels } from './wasmKernels';

afterAll(async () => {
  await tf.setBackend('cpu');
});

it('runs transposed matrix products and convolution gradients when registered before the wasm backend starts', async () => {
  registerWasmKernels();
  await tf.setBackend('wasm');
  const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
  const b = tf.tensor2d([1, 0, 2, 1, 3, 1], [3, 2]);
  const out = tf.matMul(a, b, true, false);
  const fused = tf.fused.matMul({ a, b, transposeA: true, bias: tf.tensor1d([1, -100]), activation: 'relu' });
  expect(Array.from(out.dataSync())).toEqual([22, 8, 28, 10]);
  expect(Array.from(fused.dataSync())).toEqual([23, 0, 29, 0]);
  tf.dispose([a, b, out, fused]);
  // The convolution gradients call wasm's own Conv2D and BatchMatMul, whose set-up must have run too.
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const f = tf.tensor4d([1, 0, 0, -1], [2, 2, 1, 1]);
  const [dx, df] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
    tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 1, 'valid').sum(),
  )([x, f]);
  expect(Array.from(dx!.dataSync())).toEqual([1, 1, 0, 1, 0, -1, 0, -1, -1]);
  expect(Array.from(df!.dataSync())).toEqual([12, 16, 24, 28]);
  tf.dispose([x, f, dx!, df!]);
});
