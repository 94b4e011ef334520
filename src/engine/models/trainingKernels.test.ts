// TRAINING_KERNELS says, per model, which kernels of a training step a backend may lack: the backend
// choice checks them before a run and falls back, naming the missing one, rather than failing in
// the middle of an epoch. Here the kernels a real step uses (profiled on the cpu backend) are read
// against every backend's registry.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmKernels } from '../wasmKernels';
import { DEFAULT_CONFIG } from '../../shared/defaults';
import { TRAINING_KERNELS, buildModel } from './build';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The kernels one Adam step of a model uses, its gradients included. */
async function stepKernels(model: tf.LayersModel, x: tf.Tensor, classes: number): Promise<string[]> {
  const optimizer = tf.train.adam(1e-3);
  const y = tf.tidy(() => tf.oneHot(tf.zeros([x.shape[0]!], 'int32'), classes));
  const info = await tf.profile(() => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      true,
    );
    loss?.dispose();
  });
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  // Custom-gradient ops appear as `name__op` beside the kernels they run.
  return [...new Set(info.kernels.map((k) => k.name).filter((n) => !n.endsWith('__op')))].sort();
}

const missingOn = (backend: string, kernels: string[]) => kernels.filter((k) => !tf.getKernel(k, backend));

describe('the kernels a training step needs', () => {
  it('the CNN: every backend has them all, wasm with the studio kernels', async () => {
    const kernels = await stepKernels(buildModel('cnn', [12, 12, 1], 3, 1), tf.zeros([2, 12, 12, 1]), 3);
    expect(kernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad']));
    // Before the studio's kernels, wasm lacks exactly what TRAINING_KERNELS names for the CNN.
    const before = missingOn('wasm', kernels);
    expect(before.every((k) => TRAINING_KERNELS.cnn.includes(k))).toBe(true);
    registerWasmKernels();
    for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu']) expect(missingOn(backend, kernels)).toEqual([]);
  });

  it('the reference MLP: every backend has them all', async () => {
    const kernels = await stepKernels(buildModel('mlp', [16], 3, 1), tf.zeros([2, 16]), 3);
    registerWasmKernels();
    for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu']) expect(missingOn(backend, kernels)).toEqual([]);
    expect(TRAINING_KERNELS.mlp).toEqual([]);
  });

  it('the Transformer: wasm lacks only what TRAINING_KERNELS names, and has it with the studio kernels', async () => {
    const text = { spec: { ...DEFAULT_CONFIG.text, width: 8, heads: 2, layers: 1, mlpWidth: 16 }, vocabSize: 20 };
    const model = buildModel('transformer', [6], 3, 1, DEFAULT_CONFIG.head, DEFAULT_CONFIG.convBlocks, text);
    const kernels = await stepKernels(model, tf.ones([2, 6], 'int32'), 3);
    for (const backend of ['cpu', 'webgl', 'webgpu', 'wasm'])
      expect(missingOn(backend, kernels).every((k) => TRAINING_KERNELS.transformer.includes(k))).toBe(true);
    registerWasmKernels();
    expect(missingOn('wasm', kernels)).toEqual([]);
  });
});
