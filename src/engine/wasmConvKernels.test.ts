import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { col2im, convGeometry, im2colT, transpose2dInto, transposedPadding } from './wasmConvKernels';
import { registerWasmKernels } from './wasmKernels';

afterAll(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding;
}

const CASES: Case[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { x: [1, 9, 6, 2], f: [3, 2, 2, 5], strides: 2, pad: 'same' },
  { x: [3, 8, 11, 1], f: [5, 3, 1, 2], strides: [2, 3], pad: 'valid' },
  { x: [1, 5, 5, 4], f: [1, 1, 4, 3], strides: 1, pad: 'valid' },
  {
    x: [2, 6, 5, 2],
    f: [3, 3, 2, 3],
    strides: 1,
    pad: [
      [0, 0],
      [2, 0],
      [1, 1],
      [0, 0],
    ],
  },
  { x: [1, 4, 4, 2], f: [4, 4, 2, 2], strides: 2, pad: 'same' },
];

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
/** Deterministic values in [-1, 1) that differ per position (no seeded RNG needed across backends). */
const values = (shape: number[], salt: number) =>
  tf.tidy(() =>
    tf
      .range(0, size(shape))
      .mul(0.7 + salt)
      .add(salt)
      .sin()
      .reshape(shape),
  );

/** Both gradients of sum(conv(x, f) * w), with respect to x and to f, and the transposed convolution of w. */
function gradients(c: Case): number[][] {
  return tf.tidy(() => {
    const x = values(c.x, 0.1) as tf.Tensor4D;
    const f = values(c.f, 0.2) as tf.Tensor4D;
    const w = values(tf.conv2d(x, f, c.strides, c.pad).shape, 0.3);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf
        .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad)
        .mul(w)
        .sum(),
    )([x, f]);
    // The transposed convolution (the GAN's generator) forward, and its filter's gradient.
    const t = tf.conv2dTranspose(w as tf.Tensor4D, f, c.x, c.strides, c.pad);
    const dt = tf.grad((b: tf.Tensor) =>
      tf
        .conv2dTranspose(w as tf.Tensor4D, b as tf.Tensor4D, c.x, c.strides, c.pad)
        .mul(x)
        .sum(),
    )(f);
    return [dx!, df!, t, dt].map((g) => Array.from(g.dataSync()));
  });
}

const near = (got: number[][], want: number[][]) =>
  got.forEach((g, i) => {
    expect(g).toHaveLength(want[i]!.length);
    g.forEach((v, j) => expect(Math.abs(v - want[i]![j]!)).toBeLessThan(1e-4));
  });

describe('wasm convolution gradients', () => {
  it('lay windows out and back as the convolution reads them', () => {
    // A 1x3x3x1 image, 2x2 windows, stride 1, valid: four windows of four values.
    const g = convGeometry([1, 3, 3, 1], [2, 2, 1, 1], { strides: 1, pad: 'valid' });
    // Outputs are written whole: stale values in a reused buffer do not survive.
    const cols = new Float32Array(16).fill(7);
    im2colT([1, 2, 3, 4, 5, 6, 7, 8, 9], g, cols);
    expect(Array.from(cols)).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
    // Every window adds ones back: the centre lies in all four windows, corners in one.
    const image = new Float32Array(9).fill(7);
    col2im(new Float32Array(16).fill(1), g, image);
    expect(Array.from(image)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
    // Padding: the first window of a 'same' 3x3 convolution reads four pixels and five zeros.
    const same = convGeometry([1, 3, 3, 1], [3, 3, 1, 1], { strides: 1, pad: 'same' });
    const padded = new Float32Array(81).fill(7);
    im2colT([1, 2, 3, 4, 5, 6, 7, 8, 9], same, padded);
    expect(Array.from({ length: 9 }, (_, k) => padded[k * 9])).toEqual([0, 0, 0, 0, 1, 2, 0, 4, 5]);
    const t = new Float32Array(6);
    transpose2dInto([1, 2, 3, 4, 5, 6], 2, 3, t);
    expect(Array.from(t)).toEqual([1, 4, 2, 5, 3, 6]);
    // Stride 1 takes the convolution of dy with the turned filter; strides take the product.
    expect(transposedPadding(same)).toEqual([
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    expect(transposedPadding(g)).toEqual([
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    expect(transposedPadding(convGeometry([1, 4, 4, 1], [3, 3, 1, 1], { strides: 2, pad: 'same' }))).toBeUndefined();
    expect(() => convGeometry([1, 1, 3, 3], [2, 2, 1, 1], { strides: 1, pad: 'valid', dataFormat: 'NCHW' })).toThrow(
      /NHWC/,
    );
  });

  it('equal the cpu backend on strides, paddings, odd sizes and batch 1, leaking nothing', async () => {
    await tf.setBackend('cpu');
    const want = CASES.map(gradients);
    await tf.setBackend('wasm');
    expect(() => gradients(CASES[0]!)).toThrow(/Conv2DBackpropFilter/);
    registerWasmKernels();
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const before = backend.numDataIds();
    CASES.forEach((c, i) => near(gradients(c), want[i]!));
    expect(backend.numDataIds()).toBe(before);
  });
});

interface PoolCase {
  x: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
}

const POOLS: PoolCase[] = [
  { x: [2, 8, 8, 3], size: 2, strides: 2, pad: 'valid' },
  { x: [1, 7, 7, 2], size: 2, strides: 2, pad: 'valid' },
  { x: [1, 7, 5, 2], size: 3, strides: 2, pad: 'same' },
  { x: [2, 5, 6, 1], size: [2, 3], strides: 1, pad: 'valid' },
];

/** The gradient of sum(maxPool(x) * w), with ties (ReLU's zeros) in some windows. */
function poolGradient(c: PoolCase): number[] {
  return tf.tidy(() => {
    const x = values(c.x, 0.4).relu() as tf.Tensor4D;
    const w = values(tf.maxPool(x, c.size, c.strides, c.pad).shape, 0.5);
    const dx = tf.grad((a: tf.Tensor) =>
      tf
        .maxPool(a as tf.Tensor4D, c.size, c.strides, c.pad)
        .mul(w)
        .sum(),
    )(x);
    return Array.from(dx.dataSync());
  });
}

/** Five Adam steps of a small CNN (conv, pool, conv, global pool, dense): the losses and the weights after. */
function cnnSteps(): number[][] {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [12, 12, 1],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({
        filters: 6,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
      tf.layers.globalMaxPooling2d({}),
      tf.layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      }),
    ],
  });
  const opt = tf.train.adam(0.01);
  const x = values([8, 12, 12, 1], 0.6);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3));
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor), true)!;
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  }
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  tf.dispose([x, y]);
  opt.dispose();
  model.dispose();
  return [losses, ...weights];
}

/** Seeded random geometries: batch 1-3, sides 3-10, kernels 1-4 (at most the side), strides 1-3, both paddings. */
function randomCases(count: number, seed: number): Case[] {
  let a = seed;
  const rand = (lo: number, hi: number) => {
    a = (a * 16807) % 2147483647;
    return lo + (a % (hi - lo + 1));
  };
  return Array.from({ length: count }, () => {
    const h = rand(3, 10);
    const w = rand(3, 10);
    const c = rand(1, 4);
    return {
      x: [rand(1, 3), h, w, c] as [number, number, number, number],
      f: [rand(1, Math.min(4, h)), rand(1, Math.min(4, w)), c, rand(1, 4)] as [number, number, number, number],
      strides: [rand(1, 3), rand(1, 3)] as [number, number],
      pad: rand(0, 1) ? 'same' : 'valid',
    };
  });
}

describe('wasm convolution gradients on random shapes', () => {
  it('equal the cpu backend on 30 seeded geometries', async () => {
    const cases = randomCases(30, 11);
    await tf.setBackend('cpu');
    const want = cases.map(gradients);
    await tf.setBackend('wasm');
    registerWasmKernels();
    cases.forEach((c, i) => near(gradients(c), want[i]!));
  });
});

describe('wasm pooling gradient and a whole CNN', () => {
  it('max pooling gradient equal to the cpu backend, ties included', async () => {
    await tf.setBackend('cpu');
    const want = POOLS.map(poolGradient);
    await tf.setBackend('wasm');
    registerWasmKernels();
    POOLS.forEach((c, i) => near([poolGradient(c)], [want[i]!]));
  });

  it('trains a small CNN on wasm as on the cpu backend: the same losses and weights after 5 steps', async () => {
    await tf.setBackend('cpu');
    const want = cnnSteps();
    await tf.setBackend('wasm');
    registerWasmKernels();
    const before = tf.memory().numTensors;
    near(cnnSteps(), want);
    expect(tf.memory().numTensors).toBe(before);
  });
});
