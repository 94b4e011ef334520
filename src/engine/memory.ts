// The engine's memory as the diagnostics panel shows it, and a check that a model and batch fit
// the backend before the first step (a clear message instead of a GPU error half-way).
import * as tf from '@tensorflow/tfjs';
import { formatBytes, type BytesFormat } from '../shared/format';
import type { MemoryInfo } from '../shared/types/backends';
import { sampleShape } from './models/shape';

/**
 * tf.memory() without its side effect: when no backend is active yet (or one is starting), it
 * would start the highest-priority backend (or throw); then only the engine's own counts are read.
 */
export function readMemory(): MemoryInfo {
  const engine = tf.engine() as unknown as {
    backendInstance: unknown;
    pendingBackendInit: unknown;
    backendName: string | null;
    state: { numTensors: number; numBytes: number };
  };
  if (engine.backendInstance == null || engine.pendingBackendInit != null)
    return { tensors: engine.state.numTensors, bytes: engine.state.numBytes, backend: '' };
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return {
    tensors: m.numTensors,
    bytes: m.numBytes,
    backend: engine.backendName ?? '',
    ...(typeof m.numBytesInGPU === 'number' ? { gpuBytes: m.numBytesInGPU } : {}),
  };
}

/** What one backend can hold: the largest single buffer, and (when known) all memory together. */
export interface DeviceLimits {
  backend: string;
  /** Largest single tensor in bytes, and the name of that limit as the platform calls it. */
  maxBufferBytes: number;
  bufferLimitName: string;
  /** All tensors together (wasm's heap); undefined when the platform does not say. */
  totalBytes?: number;
}

export class TooBigError extends Error {
  override name = 'TooBigError';
}

/** Sizes in messages: whole megabytes (gigabytes with one decimal), rounded up: a need is never understated. */
const IN_MB: BytesFormat = { precision: 'megabytes', round: 'up' };

/**
 * Estimates a training step's memory from the model's layers (float32): every weight four times
 * (value, gradient, Adam's two moments) and, per sample, each layer's output three times
 * (forward value, its gradient, a temporary). Throws TooBigError naming the limit it passes.
 */
export function checkFits(
  model: tf.LayersModel,
  batchSize: number,
  limits: DeviceLimits,
  /** A free dimension's size at its largest (a text model's length). */
  free = 1,
): { largestBytes: number; totalBytes: number } {
  const inputElements = sampleShape(model, free).reduce((a, b) => a * b, 1);
  let largest = { bytes: batchSize * inputElements * 4, what: 'the input batch', perSample: inputElements * 4 };
  let activations = inputElements;
  let weights = 0;
  for (const layer of model.layers) {
    const shape = layer.outputShape as (number | null)[] | (number | null)[][];
    const outShape = (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
    const elements = outShape.slice(1).reduce<number>((a, b) => a * (b ?? free), 1);
    activations += elements;
    if (batchSize * elements * 4 > largest.bytes)
      largest = {
        bytes: batchSize * elements * 4,
        what: `the output of layer "${layer.name}"`,
        perSample: elements * 4,
      };
    for (const w of layer.weights) {
      const n = w.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
      weights += n;
      if (n * 4 > largest.bytes) largest = { bytes: n * 4, what: `the weights "${w.name}"`, perSample: 0 };
    }
  }
  const totalBytes = weights * 4 * 4 + batchSize * activations * 4 * 3;
  if (largest.bytes > limits.maxBufferBytes) {
    const fix =
      largest.perSample > 0
        ? `Lower the batch size to ${Math.max(1, Math.floor(limits.maxBufferBytes / largest.perSample))} or less, or use a smaller model.`
        : 'Use a smaller model (fewer units or filters).';
    throw new TooBigError(
      `Too big for ${limits.backend}: with a batch of ${batchSize}, ${largest.what} needs ${formatBytes(largest.bytes, IN_MB)} in one buffer, over the ${limits.backend} limit of ${formatBytes(limits.maxBufferBytes, IN_MB)} (${limits.bufferLimitName}). ${fix}`,
    );
  }
  if (limits.totalBytes !== undefined && totalBytes > limits.totalBytes) {
    const perSample = activations * 4 * 3;
    const room = limits.totalBytes - weights * 16;
    const fix =
      room > perSample
        ? `Lower the batch size to ${Math.floor(room / perSample)} or less.`
        : 'Use a smaller model (fewer units or filters).';
    throw new TooBigError(
      `Too big for ${limits.backend}: a training step with a batch of ${batchSize} needs about ${formatBytes(totalBytes, IN_MB)}, over the ${formatBytes(limits.totalBytes, IN_MB)} that ${limits.backend} can hold in all. ${fix}`,
    );
  }
  return { largestBytes: largest.bytes, totalBytes };
}

/** Errors that mean a device or heap ran out of memory, whatever the backend. */
export function isOutOfMemory(e: unknown): boolean {
  const text = e instanceof Error ? `${e.name} ${e.message}` : String(e);
  return /out of memory|OutOfMemory|allocation failed|Cannot enlarge memory|Aborted\(OOM\)|Invalid typed array length|Array buffer allocation|exceeds the maximum|greater than WebGL maximum/i.test(
    text,
  );
}
