// Kernels of tfjs-backend-wasm that the Transformer needs and wasm lacks or runs slowly. The
// embedding layer's gradient (and the MLM head's gather of masked positions) is an
// UnsortedSegmentSum, which wasm does not have; summing rows in JavaScript is cheap next to the
// matrix products. Tile (LayerNormalization tiles its statistics and scale over every token) is
// computed element by element in wasm, a fifth of a Transformer step; block copies do it in ~1%.
import * as tf from '@tensorflow/tfjs';

type Flat = Float32Array | Int32Array | Uint8Array;

interface WasmLike {
  readSync(dataId: tf.DataId): Flat;
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

let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
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
