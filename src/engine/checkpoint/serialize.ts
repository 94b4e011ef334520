// A model and its optimizer as plain data (for IndexedDB): topology, weights and the optimizer's
// slots (Adam's moments and step count), with a checksum so a damaged record is refused, not used.
import * as tf from '@tensorflow/tfjs';

export interface SavedTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: ArrayBuffer;
}

export interface SavedModel {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  optimizer: SavedTensor[];
  /** FNV-1a over the weights and optimizer bytes. */
  checksum: number;
  bytes: number;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function fnv1a(buffers: ArrayBuffer[]): number {
  let h = 2166136261;
  for (const b of buffers) {
    const bytes = new Uint8Array(b);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 16777619);
  }
  return h >>> 0;
}

function toArrayBuffer(data: tf.io.WeightData): ArrayBuffer {
  return Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : (data as ArrayBuffer);
}

export async function captureModel(model: tf.LayersModel, optimizer: tf.Optimizer | null): Promise<SavedModel> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts as tf.io.ModelArtifacts | null;
  if (!a?.modelTopology || !a.weightSpecs || !a.weightData)
    throw new CheckpointError('the model could not be captured');
  const weightData = toArrayBuffer(a.weightData).slice(0);
  const opt: SavedTensor[] = [];
  if (optimizer) {
    for (const { name, tensor } of await optimizer.getWeights()) {
      const values = await tensor.data();
      opt.push({
        name,
        shape: tensor.shape,
        dtype: tensor.dtype === 'int32' ? 'int32' : 'float32',
        data: values.slice().buffer as ArrayBuffer,
      });
      // getWeights() makes a fresh scalar for the step count; the moments are the live variables.
      if (!(tensor instanceof tf.Variable)) tensor.dispose();
    }
  }
  const checksum = fnv1a([weightData, ...opt.map((t) => t.data)]);
  return {
    modelTopology: a.modelTopology as object,
    weightSpecs: a.weightSpecs,
    weightData,
    optimizer: opt,
    checksum,
    bytes: weightData.byteLength + opt.reduce((s, t) => s + t.data.byteLength, 0),
  };
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Throws a CheckpointError naming what is wrong when the record is not whole. */
export function verify(saved: SavedModel, label: string): void {
  const expected = saved.weightSpecs.reduce(
    (s, w) => s + w.shape.reduce((a, b) => a * b, 1) * (BYTES[w.dtype] ?? 4),
    0,
  );
  if (saved.weightData.byteLength !== expected)
    throw new CheckpointError(
      `${label} is damaged: its weights hold ${saved.weightData.byteLength} bytes, the model needs ${expected}. Delete it.`,
    );
  for (const t of saved.optimizer) {
    const n = t.shape.reduce((a, b) => a * b, 1) * 4;
    if (t.data.byteLength !== n)
      throw new CheckpointError(
        `${label} is damaged: optimizer slot ${t.name} has ${t.data.byteLength} bytes, expected ${n}. Delete it.`,
      );
  }
  if (fnv1a([saved.weightData, ...saved.optimizer.map((t) => t.data)]) !== saved.checksum)
    throw new CheckpointError(
      `${label} is damaged: its checksum does not match (the stored bytes changed). Delete it.`,
    );
}

export async function restoreModel(saved: SavedModel, label: string): Promise<tf.LayersModel> {
  verify(saved, label);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: saved.modelTopology,
      weightSpecs: saved.weightSpecs,
      weightData: saved.weightData,
    }),
  );
}

/** Puts the saved slots back into a fresh optimizer of the same kind (Adam keeps them by position). */
export async function restoreOptimizer(optimizer: tf.Optimizer, saved: SavedTensor[]): Promise<void> {
  if (!saved.length) return;
  const named = saved.map((t) => ({
    name: t.name,
    tensor: tf.tensor(t.dtype === 'int32' ? new Int32Array(t.data) : new Float32Array(t.data), t.shape, t.dtype),
  }));
  try {
    await optimizer.setWeights(named);
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}
