import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { gemmMatMul, registerWasmKernels, segmentSum, swapLastTwo, tileFlat } from './wasmKernels';

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

  it('hand wasm matrix products untransposed operands where XNNPACK can take them', () => {
    const calls: Record<string, unknown>[] = [];
    const disposed: unknown[] = [];
    const own: tf.KernelFunc = ({ inputs, attrs }) => {
      calls.push({ a: (inputs.a as tf.TensorInfo).shape, b: (inputs.b as tf.TensorInfo).shape, ...attrs });
      return { dataId: {}, shape: [], dtype: 'float32' };
    };
    const transpose: tf.KernelFunc = ({ inputs, attrs }) => {
      const x = inputs.x as tf.TensorInfo;
      const perm = (attrs as unknown as { perm: number[] }).perm;
      return { dataId: {}, shape: perm.map((p) => x.shape[p]!), dtype: x.dtype };
    };
    const backend = { disposeData: (id: unknown) => disposed.push(id) } as unknown as tf.KernelBackend;
    const info = (shape: number[]): tf.TensorInfo => ({ dataId: {}, shape, dtype: 'float32' });
    const run = gemmMatMul(own, transpose);
    // A Dense layer's weight gradient: x^T dy.
    run({
      inputs: { a: info([256, 784]), b: info([256, 128]) },
      backend,
      attrs: { transposeA: true, transposeB: false },
    });
    expect(calls.at(-1)).toEqual({ a: [784, 256], b: [256, 128], transposeA: false, transposeB: false });
    expect(disposed).toHaveLength(1);
    // Its input gradient: dy w^T, as a rank-3 product of batch 1, with the fused op's other attributes kept.
    run({
      inputs: { a: info([1, 256, 128]), b: info([1, 784, 128]), bias: info([784]) },
      backend,
      attrs: { transposeA: false, transposeB: true, activation: 'relu' },
    });
    expect(calls.at(-1)).toEqual({
      a: [1, 256, 128],
      b: [1, 128, 784],
      transposeA: false,
      transposeB: false,
      activation: 'relu',
    });
    expect(disposed).toHaveLength(2);
    // Batched products (attention) and untransposed ones pass through untouched.
    run({
      inputs: { a: info([8, 16, 4]), b: info([8, 16, 4]) },
      backend,
      attrs: { transposeA: false, transposeB: true },
    });
    expect(calls.at(-1)).toEqual({ a: [8, 16, 4], b: [8, 16, 4], transposeA: false, transposeB: true });
    run({ inputs: { a: info([3, 4]), b: info([4, 5]) }, backend, attrs: { transposeA: false, transposeB: false } });
    expect(calls.at(-1)).toEqual({ a: [3, 4], b: [4, 5], transposeA: false, transposeB: false });
    expect(disposed).toHaveLength(2);
    expect(swapLastTwo(2)).toEqual([1, 0]);
    expect(swapLastTwo(4)).toEqual([0, 1, 3, 2]);
  });

  it('compute transposed matrix products on wasm as the cpu backend does, leaking nothing', async () => {
    const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
      { a: [7, 5], b: [7, 3], ta: true, tb: false },
      { a: [5, 7], b: [3, 7], ta: false, tb: true },
      { a: [7, 5], b: [3, 7], ta: true, tb: true },
      { a: [1, 6, 4], b: [1, 6, 2], ta: true, tb: false },
      { a: [2, 6, 4], b: [2, 6, 2], ta: true, tb: false },
      { a: [1, 5], b: [3, 5], ta: false, tb: true },
      { a: [4, 1], b: [4, 3], ta: true, tb: false },
    ];
    const product = (c: (typeof cases)[number], fused: boolean) =>
      tf.tidy(() => {
        const a = tf
          .range(
            0,
            c.a.reduce((p, q) => p * q, 1),
          )
          .reshape(c.a)
          .sin();
        const b = tf
          .range(
            0,
            c.b.reduce((p, q) => p * q, 1),
          )
          .reshape(c.b)
          .cos();
        if (!fused) return Array.from(tf.matMul(a, b, c.ta, c.tb).dataSync());
        const out = tf.fused.matMul({
          a,
          b,
          transposeA: c.ta,
          transposeB: c.tb,
          bias: tf.fill([c.tb ? c.b.at(-2)! : c.b.at(-1)!], 0.25),
          activation: 'relu',
        });
        return Array.from(out.dataSync());
      });
    await tf.setBackend('cpu');
    const expected = cases.flatMap((c) => [product(c, false), product(c, true)]);
    await tf.setBackend('wasm');
    registerWasmKernels();
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const before = backend.numDataIds();
    const got = cases.flatMap((c) => [product(c, false), product(c, true)]);
    got.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 4)));
    expect(backend.numDataIds()).toBe(before);
  });
});
