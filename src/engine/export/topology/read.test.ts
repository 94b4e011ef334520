// The reader against TensorFlow.js itself: its shape arithmetic is tfjs's (output sizes and "same"
// pads), the shapes it infers for the studio's networks are the ones tfjs built, it reads what
// Keras writes, and its refusals name the layer and say what works in each format.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureModel } from '../../checkpoint/serialize';
import { buildModel } from '../../models/build';
import { buildDecoder, buildEncoder, buildGenerator } from '../../pretrain/models';
import { readChain, TopologyError } from './read';
import { convAxis, deconvAxis, reshapeTarget, type Padding } from './shapes';
import { FORMAT_HINTS, FORMATS } from './support';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const PADDINGS: Padding[] = ['valid', 'same'];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('shapes: one set of helpers, as TensorFlow.js computes them', () => {
  it('Conv2D and MaxPooling2D output sizes and "same" pads (dilated too), Conv2DTranspose sizes', () => {
    let cases = 0;
    for (const n of [1, 2, 5, 6, 7, 9, 12])
      for (const k of [1, 2, 3, 4])
        for (const s of [1, 2, 3])
          for (const d of [1, 2, 3])
            for (const padding of PADDINGS) {
              if (s > 1 && d > 1) continue; // tfjs: strides or dilations, not both
              const conv = tf.layers.conv2d({ filters: 1, kernelSize: k, strides: s, dilationRate: d, padding });
              const ours = convAxis(n, k, s, padding, d);
              const want = conv.computeOutputShape([null, n, n, 1]) as number[];
              expect(Math.max(ours.size, 0), `conv n=${n} k=${k} s=${s} d=${d} ${padding}`).toBe(Math.max(want[1]!, 0));
              if (ours.size >= 1) {
                const info = tf.backend_util.computeConv2DInfo([1, n, n, 1], [k, k, 1, 1], s, d, padding);
                expect([ours.begin, ours.end]).toEqual([info.padInfo.top, info.padInfo.bottom]);
              }
              if (d === 1) {
                const pool = tf.layers.maxPooling2d({ poolSize: k, strides: s, padding });
                const pooled = pool.computeOutputShape([null, n, n, 1]) as number[];
                expect(Math.max(ours.size, 0), `pool n=${n} k=${k} s=${s} ${padding}`).toBe(Math.max(pooled[1]!, 0));
                const deconv = tf.layers.conv2dTranspose({ filters: 1, kernelSize: k, strides: s, padding });
                const up = deconv.computeOutputShape([null, n, n, 1]) as number[];
                expect(deconvAxis(n, k, s, padding).size, `deconv n=${n} k=${k} s=${s} ${padding}`).toBe(up[1]);
              }
              cases++;
            }
    expect(cases).toBe(280);
  });

  it('a Reshape target with one free dimension (-1 in Keras, null in tfjs)', () => {
    expect(reshapeTarget(24, [null, 4])).toEqual([6, 4]);
    expect(reshapeTarget(24, [2, -1, 3])).toEqual([2, 4, 3]);
    expect(reshapeTarget(24, [5, null])).toBeNull();
    expect(reshapeTarget(24, [null, null])).toBeNull();
    expect(reshapeTarget(24, [2, 3])).toBeNull();
  });
});

async function topologyOf(model: tf.LayersModel): Promise<object> {
  const { modelTopology } = await captureModel(model, null);
  return modelTopology;
}

describe('readChain', () => {
  it("infers the shapes tfjs built, layer by layer, for the studio's networks", async () => {
    const conv = { kind: 'conv' as const, widths: [4, 8] };
    const models = [
      buildModel('mlp', [28, 28, 1], 10, 1),
      buildModel('cnn', [13, 11, 3], 4, 2, { hidden: [8], dropout: 0.2 }, [4, 6, 8]),
      buildEncoder({ ...conv, globalPool: true }, [13, 11, 3], 3),
      buildDecoder(conv, [16, 12, 1], true, 4),
      buildGenerator(conv, [16, 12, 1], 16, true, 5),
    ];
    for (const model of models) {
      const chain = readChain(await topologyOf(model), 'onnx');
      const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
      expect(chain.layers.map((l) => l.name)).toEqual(layers.map((l) => l.name));
      expect(chain.layers.map((l) => l.outShape)).toEqual(layers.map((l) => (l.outputShape as number[]).slice(1)));
      expect(chain.inputShape).toEqual(model.inputs[0]!.shape.slice(1));
      const weights = chain.layers.flatMap((l) => l.weights.map((w) => w.shape));
      expect(weights).toEqual(layers.flatMap((l) => l.getWeights().map((w) => w.shape)));
      model.dispose();
    }
  });

  it("reads tfjs's free Reshape dimension (saved as null) in every format", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [6], units: 12 }),
        tf.layers.reshape({ targetShape: [-1, 4] }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const topology = await topologyOf(model);
    model.dispose();
    expect(JSON.stringify(topology)).toContain('"target_shape":[null,4]');
    for (const format of FORMATS)
      expect(readChain(topology, format).layers.map((l) => l.outShape)).toEqual([[12], [3, 4], [3, 2]]);
  });

  it("reads Keras's files: the {model_config} wrapper, Keras 3's keras_history, batch_shape and dtype policies", () => {
    const tensor = (from: string) => ({
      class_name: '__keras_tensor__',
      config: { shape: [null, 4], dtype: 'float32', keras_history: [from, 0, 0] },
    });
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } };
    const layer = (name: string, from: string, config: object) => ({
      class_name: 'Dense',
      name,
      config: { name, dtype: policy, use_bias: true, ...config },
      inbound_nodes: [{ args: [tensor(from)], kwargs: {} }],
    });
    const topology = {
      model_config: {
        class_name: 'Functional',
        config: {
          name: 'keras3',
          layers: [
            {
              class_name: 'InputLayer',
              name: 'features',
              config: { batch_shape: [null, 4], dtype: 'float32', name: 'features' },
              inbound_nodes: [],
            },
            layer('hidden', 'features', { units: 5, activation: 'hard_sigmoid' }),
            layer('out', 'hidden', { units: 3, activation: { class_name: 'softmax', config: {} } }),
          ],
          input_layers: [['features', 0, 0]],
          output_layers: [['out', 0, 0]],
        },
      },
    };
    const chain = readChain(topology, 'pytorch');
    expect(chain).toMatchObject({ modelName: 'keras3', inputShape: [4], inputDtype: 'float32', outputShape: [3] });
    expect(chain.layers.map((l) => [l.type, 'activation' in l && l.activation])).toEqual([
      ['dense', 'hard_sigmoid'],
      ['dense', 'softmax'],
    ]);
  });

  it('names the layer and says what works, in the words of each format', async () => {
    const model = buildModel('mlp', [4], 3, 1);
    const topology = (await topologyOf(model)) as { config: { layers: { class_name: string }[] } };
    model.dispose();
    topology.config.layers[1]!.class_name = 'Lambda';
    for (const format of FORMATS) {
      expect(() => readChain(topology, format)).toThrow(TopologyError);
      expect(() => readChain(topology, format)).toThrow(
        new RegExp(`^layer 2 "\\w+" \\(Lambda\\) is not supported: .*${escape(FORMAT_HINTS[format].other)}$`),
      );
    }
    topology.config.layers[1]!.class_name = 'StudioSelfAttention';
    expect(() => readChain(topology, 'onnx')).toThrow(FORMAT_HINTS.onnx.transformer);
  });
});
