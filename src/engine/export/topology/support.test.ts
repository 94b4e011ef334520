// The support table, both ways: for every row and every format, a network using the option is
// refused with the table's reason (naming the layer) where the row says so, and written where it
// does not (the import loads it in tfjs and predicts the same; ONNX Runtime predicts what tfjs
// does; the PyTorch project is written, run with PyTorch in pytorch.test.ts). Every row has an
// example here, and the formats read their refusals from the table.
import * as tf from '@tensorflow/tfjs';
import { strFromU8 } from 'fflate';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../shared/defaults';
import type { Preprocessing } from '../../../shared/preprocessing';
import { captureModel } from '../../checkpoint/serialize';
import { ExportError } from '../exportError';
import { ModelFileError, modelJson, readModelJson } from '../modelFiles';
import { onnxSupport, toOnnx, type SavedNetwork } from '../onnx/toOnnx';
import { toPreprocessingFile } from '../preprocessingFile';
import { pytorchProject, pytorchSupport, type TorchRunSpec } from '../pytorch/project';
import { prod } from './shapes';
import { FORMATS, SUPPORT, SUPPORT_OPTIONS, type Format, type SupportOption, type SupportRow } from './support';

beforeAll(async () => {
  await tf.setBackend('cpu');
  ort.env.wasm.numThreads = 1;
});

interface Example {
  net: SavedNetwork;
  /** The tfjs network itself, where tfjs can build it (the written formats are compared with it). */
  model?: tf.LayersModel;
  /** What model.py says for the option, where PyTorch writes it. */
  modelPy?: RegExp;
}

async function saved(model: tf.LayersModel): Promise<SavedNetwork> {
  const { modelTopology, weightSpecs, weightData } = await captureModel(model, null);
  return { modelTopology, weightSpecs, weightData };
}

/** Seeded weights, so that predicting the same means something. */
async function built(layers: tf.layers.Layer[], modelPy?: RegExp): Promise<Example> {
  const model = tf.sequential({ layers });
  model.setWeights(model.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, 'float32', i + 1)));
  return { net: await saved(model), model, ...(modelPy ? { modelPy } : {}) };
}

/** A small conv network whose saved config is then edited as a Keras file (or a hand) would write it. */
async function edited(layer: string, patch: Record<string, unknown>): Promise<Example> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, name: 'conv' }),
      tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, name: 'deconv' }),
      tf.layers.globalMaxPooling2d({ name: 'pool' }),
      tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }),
    ],
  });
  const net = await saved(model);
  model.dispose();
  const topology = structuredClone(net.modelTopology) as { config: { layers: { config: Record<string, unknown> }[] } };
  Object.assign(topology.config.layers.find((l) => l.config.name === layer)!.config, patch);
  return { net: { ...net, modelTopology: topology } };
}

/** A network using each row's option (and nothing else a format refuses). */
const EXAMPLES: Record<SupportOption, () => Promise<Example>> = {
  channelsFirst: () => edited('conv', { data_format: 'channels_first' }),
  dilatedConv: () =>
    built(
      [
        tf.layers.conv2d({ inputShape: [9, 7, 2], filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same' }),
        tf.layers.conv2d({ filters: 2, kernelSize: [2, 3], dilationRate: [2, 1], activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
      /nn\.Conv2d\(2, 3, kernel_size=\(3, 3\), dilation=\(2, 2\), padding=\(2, 2\)\)/,
    ),
  dilatedStridedConv: () => edited('conv', { strides: [2, 2], dilation_rate: [2, 2] }),
  dilatedTransposedConv: () => edited('deconv', { dilation_rate: [2, 2] }),
  outputPadding: () => edited('deconv', { output_padding: [1, 1] }),
  groups: () => edited('conv', { groups: 2 }),
  keepdims: () => edited('pool', { keepdims: true }),
  bilinearUpsampling: () =>
    built([
      tf.layers.conv2d({ inputShape: [5, 4, 2], filters: 3, kernelSize: 2, padding: 'same' }),
      tf.layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear' }),
      tf.layers.conv2d({ filters: 2, kernelSize: 3 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3 }),
    ]),
  dropoutNoiseShape: () =>
    built(
      [
        tf.layers.dense({ inputShape: [6], units: 5, activation: 'relu' }),
        tf.layers.dropout({ rate: 0.4, noiseShape: [1, 5] }),
        tf.layers.dense({ units: 3 }),
      ],
      /nn\.Dropout/,
    ),
  inputDtype: () => edited('conv', { dtype: 'int32' }),
};

const RUN: TorchRunSpec = {
  modelName: 'support',
  datasetName: 'rows',
  task: 'classification',
  epochsDone: 1,
  epochs: 2,
  batchSize: 8,
  learningRate: 0.01,
  seed: 1,
  optimizer: DEFAULT_CONFIG.optimizer,
  schedule: DEFAULT_CONFIG.schedule,
  freeze: DEFAULT_CONFIG.freeze,
};

/** preprocessing.json for rows of `width` numbers (what the PyTorch project checks the input against). */
function rowsOf(width: number) {
  const p: Preprocessing = {
    kind: 'table',
    features: Array.from({ length: width }, (_, i) => ({
      column: `x${i}`,
      type: 'numeric' as const,
      mean: 0,
      std: 1,
      impute: 0,
    })),
    label: { column: 'y', type: 'classes', classNames: ['a', 'b', 'c'] },
    missing: 'impute',
    missingTokens: [''],
  };
  return toPreprocessingFile(p, {
    name: 'support',
    dataset: 'rows',
    stage: 'finetune',
    epoch: 1,
    task: 'classification',
    modelInputShape: [width],
    metrics: {},
  });
}

const importing = (net: SavedNetwork) => readModelJson(JSON.stringify(modelJson(net.modelTopology, net.weightSpecs)));
const inputShapeOf = (m: tf.LayersModel) => m.inputs[0]!.shape.slice(1) as number[];
const project = (net: SavedNetwork, model?: tf.LayersModel) =>
  pytorchProject(net, rowsOf(model ? prod(inputShapeOf(model)) : 64), RUN);
const reasonFor = (option: SupportOption, format: Format) => (SUPPORT[option] as SupportRow).refusedBy[format];
/** How every refusal starts: the layer by position, name and class ("Layer" where PyTorch says it first). */
const NAMES_LAYER = /[lL]ayer \d+ "[^"]+" \(\w+\) uses /;

function expectRefused(format: Format, { net }: Example, reason: string): void {
  switch (format) {
    case 'import':
      expect(() => importing(net)).toThrow(ModelFileError);
      expect(() => importing(net)).toThrow(reason);
      expect(() => importing(net)).toThrow(NAMES_LAYER);
      return;
    case 'onnx': {
      const support = onnxSupport(net.modelTopology);
      expect(support).toMatchObject({ ok: false, reason: expect.stringContaining(reason) });
      expect(support).toMatchObject({ reason: expect.stringMatching(NAMES_LAYER) });
      expect(() => toOnnx(net, { name: 'm' })).toThrow(ExportError);
      expect(() => toOnnx(net, { name: 'm' })).toThrow(reason);
      return;
    }
    case 'pytorch': {
      const support = pytorchSupport(net.modelTopology);
      expect(support).toMatchObject({ ok: false, reason: expect.stringContaining(reason) });
      expect(support).toMatchObject({ reason: expect.stringMatching(NAMES_LAYER) });
      expect(() => project(net)).toThrow(ExportError);
      expect(() => project(net)).toThrow(reason);
    }
  }
}

async function predictions(model: tf.LayersModel, seed: number): Promise<{ x: tf.Tensor; y: Float32Array }> {
  const x = tf.randomNormal([3, ...inputShapeOf(model)], 0, 1, 'float32', seed);
  const out = model.predict(x) as tf.Tensor;
  const y = (await out.data()) as Float32Array;
  out.dispose();
  return { x, y };
}

async function expectWritten(format: Format, { net, model, modelPy }: Example): Promise<void> {
  expect(model, 'an option some format writes needs an example tfjs builds').toBeDefined();
  const { x, y } = await predictions(model!, 9);
  try {
    if (format === 'import') {
      // As the studio's import does: the checked topology and the weights, loaded by tfjs.
      const parsed = importing(net);
      const back = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: parsed.modelTopology,
          weightSpecs: parsed.weightSpecs,
          weightData: net.weightData,
        }),
      );
      const out = back.predict(x) as tf.Tensor;
      expect(Array.from(await out.data())).toEqual(Array.from(y));
      out.dispose();
      back.dispose();
    } else if (format === 'onnx') {
      expect(onnxSupport(net.modelTopology)).toEqual({ ok: true });
      const session = await ort.InferenceSession.create(toOnnx(net, { name: 'm' }));
      const got = await session.run({ input: new ort.Tensor('float32', (await x.data()) as Float32Array, x.shape) });
      const values = got.output!.data as Float32Array;
      expect(Math.max(...Array.from(y, (v, i) => Math.abs(v - values[i]!)))).toBeLessThan(1e-4);
      await session.release();
    } else {
      expect(pytorchSupport(net.modelTopology)).toEqual({ ok: true });
      const source = strFromU8(project(net, model)['model.py']!);
      if (modelPy) expect(source).toMatch(modelPy);
    }
  } finally {
    x.dispose();
  }
}

describe('the support table', () => {
  it('has an example network for every row, and a reason wherever a format refuses', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...SUPPORT_OPTIONS].sort());
    for (const option of SUPPORT_OPTIONS) {
      const row: SupportRow = SUPPORT[option];
      expect(row.option.length).toBeGreaterThan(5);
      for (const [format, reason] of Object.entries(row.refusedBy)) {
        expect(FORMATS).toContain(format);
        expect(reason!.length, `${option} / ${format}`).toBeGreaterThan(20);
      }
    }
  });

  for (const option of SUPPORT_OPTIONS)
    describe(`${option}: ${SUPPORT[option].option}`, () => {
      for (const format of FORMATS) {
        const reason = reasonFor(option, format);
        it(reason ? `${format}: refused, quoting the table` : `${format}: written`, async () => {
          const example = await EXAMPLES[option]();
          try {
            if (reason) expectRefused(format, example, reason);
            else await expectWritten(format, example);
          } finally {
            example.model?.dispose();
          }
        });
      }
    });

  it('is what the formats read: a reason added to a row is the format’s refusal, removed it writes again', async () => {
    const example = await EXAMPLES.dropoutNoiseShape();
    const row = SUPPORT.dropoutNoiseShape.refusedBy as Partial<Record<Format, string>>;
    expect(row.onnx).toBeUndefined();
    row.onnx = 'a reason that only this test gives';
    try {
      expect(onnxSupport(example.net.modelTopology)).toMatchObject({
        ok: false,
        reason: expect.stringContaining('uses a noise_shape: a reason that only this test gives'),
      });
    } finally {
      delete row.onnx;
    }
    expect(onnxSupport(example.net.modelTopology)).toEqual({ ok: true });
    example.model?.dispose();
  });
});
