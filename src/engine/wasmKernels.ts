// Kernels of tfjs-backend-wasm that the Transformer needs and wasm lacks or runs slowly. The
// embedding layer's gradient (and the MLM head's gather of masked positions) is an
// UnsortedSegmentSum, which wasm does not have; summing rows in JavaScript is cheap next to the
// matrix products. Tile (LayerNormalization tiles its statistics and scale over every token) is
// computed element by element in wasm, a fifth of a Transformer step; block copies do it in ~1%.
// Matrix products with a transposed operand (every Dense layer's gradient) go to a scalar triple
// loop in tfjs-backend-wasm 4.22 (batch_mat_mul_impl.cc: XNNPACK's GEMM only without transposes);
// transposing the operand first and taking the GEMM makes them ~10x faster. The convolution and
// max-pooling gradients a CNN needs are in wasmConvKernels.ts, registered from here.
import * as tf from '@tensorflow/tfjs';
import { registerWasmConvKernels } from './wasmConvKernels';

type Flat = Float32Array | Int32Array | Uint8Array;

interface WasmLike {
  readSync(dataId: tf.DataId): Flat;
  disposeData(dataId: tf.DataId): boolean;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Flat): tf.TensorInfo;
}

/** tf.tile on a flat array: axis by axis from the last, each slab repeated as one block copy. */
export function tileFlat<T extends Flat>(x: T, shape: number[], reps: number[]): T {
  let cur: Flat = x;
  const dims = [...shape];
  for (let a = dims.length - 1; a >= 0; a--) {
    const r = reps[a]!;
    if (r === 1) continue;
    const inner = dims.slice(a).reduce((p, c) => p * c, 1);
    const outer = inner ? cur.length / inner : 0;
    const out: Flat = new (cur.constructor as new (n: number) => Flat)(cur.length * r);
    for (let o = 0; o < outer; o++) {
      const base = o * r * inner;
      if (inner === 1) out.fill(cur[o]!, base, base + r);
      else {
        const slab = cur.subarray(o * inner, (o + 1) * inner);
        for (let k = 0; k < r; k++) out.set(slab, base + k * inner);
      }
    }
    cur = out;
    dims[a] = dims[a]! * r;
  }
  return (cur === x ? x.slice() : cur) as T;
}

/** Rows of x summed into numSegments rows by segmentIds (ids out of range are dropped, as in tfjs). */
export function segmentSum(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  rowSize: number,
  numSegments: number,
): Float32Array {
  const out = new Float32Array(numSegments * rowSize);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const from = i * rowSize;
    const to = s * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j]! += x[from + j]!;
  }
  return out;
}

/** The perm that swaps a tensor's last two dimensions. */
export function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return perm;
}

const batchOf = (t: tf.TensorInfo) => t.shape.slice(0, -2).reduce((p, c) => p * c, 1);

/**
 * BatchMatMul / _FusedMatMul on wasm with transposed operands materialized first, where wasm would
 * then take XNNPACK (no batch: both operands' leading dimensions are 1). Batched products (the
 * Transformer's attention) keep wasm's own path, whose loop reads a transposed b contiguously.
 */
export function gemmMatMul(own: tf.KernelFunc, transpose: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!(transposeA || transposeB) || batchOf(a) !== 1 || batchOf(b) !== 1) return own(args);
    const backend = args.backend as unknown as WasmLike;
    const temps: tf.TensorInfo[] = [];
    const flip = (x: tf.TensorInfo) => {
      const out = transpose({
        inputs: { x },
        backend: args.backend,
        attrs: { perm: swapLastTwo(x.shape.length) },
      }) as tf.TensorInfo;
      // A transpose of a dimension of size 1 may hand back x's own data: never free that.
      if (out.dataId !== x.dataId) temps.push(out);
      return out;
    };
    try {
      return own({
        ...args,
        inputs: { ...args.inputs, a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

function registerGemmMatMul(kernelName: 'BatchMatMul' | '_FusedMatMul'): void {
  const own = tf.getKernel(kernelName, 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!own || !transpose) return;
  tf.unregisterKernel(kernelName, 'wasm');
  // wasm binds its C++ function in the kernel's setupFunc when the backend starts: keep it.
  tf.registerKernel({ ...own, kernelFunc: gemmMatMul(own.kernelFunc, transpose.kernelFunc) });
}

let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  registerGemmMatMul('BatchMatMul');
  registerGemmMatMul('_FusedMatMul');
  registerWasmConvKernels();
  tf.unregisterKernel('Tile', 'wasm');
  tf.registerKernel({
    kernelName: 'Tile',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const { reps } = attrs as unknown as { reps: number[] };
      const b = backend as unknown as WasmLike;
      const out = tileFlat(b.readSync(x.dataId), x.shape, reps);
      return b.makeOutput(
        x.shape.map((n, i) => n * reps[i]!),
        x.dtype,
        undefined,
        out,
      );
    },
  });
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const b = backend as unknown as WasmLike;
      const rest = x.shape.slice(segmentIds.shape.length);
      const rowSize = rest.reduce((a, c) => a * c, 1);
      const out = segmentSum(b.readSync(x.dataId), b.readSync(segmentIds.dataId), rowSize, numSegments);
      return b.makeOutput([numSegments, ...rest], 'float32', undefined, out);
    },
  });
}
