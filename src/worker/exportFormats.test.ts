// The export formats as the worker writes them, on what real runs leave behind: a checkpoint taken
// with the encoder frozen, and a model.json whose layer names were written by someone else.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureModel } from '../engine/checkpoint/serialize';
import { buildModel } from '../engine/models/build';
import { toPreprocessingFile } from '../engine/export/preprocessingFile';
import type { SavedNetwork } from '../engine/export/onnx/toOnnx';
import { DEFAULT_CONFIG } from '../shared/defaults';
import type { Preprocessing } from '../shared/preprocessing';
import { onnxFile, pytorchZip, torchRun } from './exportFormats';

beforeAll(async () => {
  await tf.setBackend('cpu');
  ort.env.wasm.numThreads = 1;
});

const iris: Preprocessing = {
  kind: 'table',
  features: ['a', 'b', 'c', 'd'].map((column) => ({ column, type: 'numeric', mean: 0, std: 1, impute: 0 })),
  label: { column: 'species', type: 'classes', classNames: ['x', 'y', 'z'] },
  missing: 'impute',
  missingTokens: [''],
};
const pre = toPreprocessingFile(iris, {
  name: 'm',
  dataset: 'iris',
  stage: 'finetune',
  epoch: 2,
  task: 'classification',
  modelInputShape: [4],
  metrics: {},
});

async function frozenMlp(): Promise<{ model: tf.LayersModel; net: SavedNetwork }> {
  const model = buildModel('mlp', [4], 3, 7);
  model.setWeights(model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.5, 'float32', i)));
  // What head-only epochs leave: the encoder's layer frozen when the checkpoint is taken.
  model.getLayer('dense_hidden').trainable = false;
  const { modelTopology, weightSpecs, weightData } = await captureModel(model, null);
  return { model, net: { modelTopology, weightSpecs, weightData } };
}

describe('export formats', () => {
  it('write a checkpoint taken with frozen layers (tfjs saves their weights last)', async () => {
    const { model, net } = await frozenMlp();
    expect(net.weightSpecs[0]!.name).toMatch(/^head_out\//); // tfjs's order: trainable first

    const session = await ort.InferenceSession.create(onnxFile(net, 'frozen'));
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    const want = tf.tidy(() => model.predict(x) as tf.Tensor);
    const { output } = await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, [5, 4]) });
    const got = output!.data as Float32Array;
    const diff = Math.max(...Array.from(want.dataSync(), (v, i) => Math.abs(v - got[i]!)));
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, want]);
    model.dispose();
    await session.release();

    const run = torchRun('frozen', 'iris', 'classification', 2, DEFAULT_CONFIG);
    const files = unzipSync(pytorchZip(net, pre, run, undefined, 'p'));
    const manifest = JSON.parse(strFromU8(files['p/studio/model.json']!)).weightsManifest[0].weights as {
      name: string;
    }[];
    expect(manifest.map((w) => w.name.split('/')[0])).toEqual(['dense_hidden', 'dense_hidden', 'head_out', 'head_out']);
  });

  it('refuse to carry a semi-supervised run on in train.py, saying why and what to do instead', () => {
    const semi = {
      ...DEFAULT_CONFIG,
      method: { id: 'semi-supervised' as const, threshold: 0.95, ratio: 7, weight: 1 },
    };
    expect(() => torchRun('fixmatch', 'digits', 'classification', 3, semi)).toThrow(
      /"fixmatch" was fine-tuned by the Semi-supervised .* method, which train.py does not carry on: .*unlabelled rows.*Export the model as ONNX/,
    );
    expect(torchRun('plain', 'digits', 'classification', 3, DEFAULT_CONFIG).epochsDone).toBe(3);
  });

  it("keep a layer's name from becoming code in model.py", async () => {
    const { net } = await frozenMlp();
    const topology = JSON.parse(JSON.stringify(net.modelTopology)) as {
      config: { layers: { config: { name: string } }[] };
    };
    const dropout = topology.config.layers.find((l) => l.config.name === 'head_dropout')!;
    dropout.config.name = 'head_dropout\nimport os; os.system("echo pwned")';
    const run = torchRun('evil', 'iris', 'classification', 2, DEFAULT_CONFIG);
    const files = unzipSync(pytorchZip({ ...net, modelTopology: topology }, pre, run, undefined, 'p'));
    const modelPy = strFromU8(files['p/model.py']!);
    expect(modelPy).not.toMatch(/^\s*import os/m);
  });
});
