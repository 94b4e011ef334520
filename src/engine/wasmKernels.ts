// Kernels tfjs-backend-wasm lacks that the studio's networks need for training. The embedding
// layer's gradient (and the MLM head's gather of masked positions) is an UnsortedSegmentSum, which
// the wasm backend does not have; summing rows in JavaScript is cheap next to the matrix products.
import * as tf from '@tensorflow/tfjs';

interface WasmLike {
  readSync(dataId: tf.DataId): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
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

export function registerWasmKernels(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
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
