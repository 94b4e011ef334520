import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncoderSpec } from '../../../shared/types/training';
import { captureModel } from '../../checkpoint/serialize';
import { buildModel } from '../../models/build';
import { classifierFromEncoder } from '../../pretrain/encoders';
import { buildCritic, buildDecoder, buildEncoder, buildGenerator, buildProjection } from '../../pretrain/models';
import { buildTextClassifier } from '../../text/transformer';
import { ExportError } from '../exportError';
import { onnx } from './onnx.pb';
import { ONNX_OPSET, onnxSupport, toOnnx, type SavedNetwork } from './toOnnx';

beforeAll(async () => {
  await tf.setBackend('cpu');
  // The Node build of onnxruntime-web finds its wasm next to itself; one thread keeps it light.
  ort.env.wasm.numThreads = 1;
});

/** Max |tfjs - ONNX Runtime| per network, printed at the end. */
const diffs = new Map<string, number>();
/** Exported models, for the ONNX checker at the end. */
const exported = new Map<string, Uint8Array>();

afterAll(() => {
  console.log(
    'max |tfjs - onnxruntime| per network:\n' +
      [...diffs].map(([name, d]) => `  ${name.padEnd(34)} ${d.toExponential(2)}`).join('\n'),
  );
});

async function saved(model: tf.LayersModel): Promise<SavedNetwork> {
  const { modelTopology, weightSpecs, weightData } = await captureModel(model, null);
  return { modelTopology, weightSpecs, weightData };
}

/** Seeded random weights, biases included, at a scale that keeps activations moderate. */
function perturb(model: tf.LayersModel, seed: number): void {
  const weights = model.getWeights().map((w, i) => {
    const fanIn = w.shape.length > 1 ? w.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 3;
    const limit = Math.sqrt(3 / fanIn);
    return tf.randomUniform(w.shape, -limit, limit, 'float32', seed * 1000 + i);
  });
  model.setWeights(weights);
  tf.dispose(weights);
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

/**
 * Exports the network (weights perturbed), runs the ONNX model in ONNX Runtime on random inputs
 * of batch 1 and 5 and compares with model.predict. Disposes the model.
 */
async function expectSameOutputs(label: string, model: tf.LayersModel, seed = 7): Promise<Uint8Array> {
  perturb(model, seed);
  const bytes = toOnnx(await saved(model), { name: label });
  const session = await ort.InferenceSession.create(bytes);
  const inShape = model.inputs[0]!.shape.slice(1) as number[];
  const outShape = model.outputs[0]!.shape.slice(1) as number[];
  let worst = 0;
  for (const batch of [1, 5]) {
    const x = tf.randomNormal([batch, ...inShape], 0, 1, 'float32', seed + batch);
    const want = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    const got = await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
    x.dispose();
    expect(got.output!.dims).toEqual([batch, ...outShape]);
    worst = Math.max(worst, maxAbsDiff(want, got.output!.data as Float32Array));
  }
  await session.release();
  model.dispose();
  diffs.set(label, worst);
  exported.set(label, bytes);
  expect(worst).toBeLessThan(1e-4);
  return bytes;
}

const ops = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType!);
const count = (bytes: Uint8Array, op: string) => ops(bytes).filter((o) => o === op).length;

describe('toOnnx: the studio networks give the same outputs in ONNX Runtime', () => {
  it('reference MLP on iris-like tables (4 features, 3 classes)', async () => {
    const bytes = await expectSameOutputs('mlp 4 -> 3', buildModel('mlp', [4], 3, 1));
    // Dropout is gone; Dense -> Gemm.
    expect(ops(bytes)).toEqual(['Gemm', 'Relu', 'Gemm', 'Softmax']);
  });

  it('reference MLP on 28×28×1 images (flattened to 784), 10 classes', async () => {
    await expectSameOutputs('mlp 784 -> 10', buildModel('mlp', [28, 28, 1], 10, 2));
  });

  it('small CNN on 28×28×1 with one transpose at the input only', async () => {
    const bytes = await expectSameOutputs('cnn 28×28×1 -> 10', buildModel('cnn', [28, 28, 1], 10, 3));
    expect(count(bytes, 'Transpose')).toBe(1);
    expect(count(bytes, 'Conv')).toBe(3);
  });

  it("small CNN on odd 13×11×3 images ('same' padding, pooling floors) with a hidden head", async () => {
    const head = { hidden: [8], dropout: 0.2 };
    await expectSameOutputs('cnn 13×11×3 -> 4, head 8', buildModel('cnn', [13, 11, 3], 4, 4, head, [4, 6, 8]));
  });

  it('regression heads (one linear output)', async () => {
    await expectSameOutputs('mlp regression', buildModel('mlp', [6], 0, 5, { hidden: [16, 8], dropout: 0 }));
    await expectSameOutputs('cnn regression 12×10×1', buildModel('cnn', [12, 10, 1], 0, 6, undefined, [4, 8]));
  });
});

describe('toOnnx: the pretraining networks', () => {
  const dense: EncoderSpec = { kind: 'dense', widths: [32, 8] };
  const conv: EncoderSpec = { kind: 'conv', widths: [4, 8] };
  const convPooled: EncoderSpec = { kind: 'conv', widths: [4, 8], globalPool: true };

  it('encoders: dense, conv (feature map out, NHWC again) and conv with global pooling', async () => {
    await expectSameOutputs('dense encoder', buildEncoder(dense, [10], 8));
    const map = await expectSameOutputs('conv encoder 16×12×1', buildEncoder(conv, [16, 12, 1], 9));
    expect(count(map, 'Transpose')).toBe(2);
    await expectSameOutputs('conv encoder, global pool 13×11×3', buildEncoder(convPooled, [13, 11, 3], 10));
  });

  it('decoders: dense, and conv (UpSampling2D -> Resize, sigmoid pixels)', async () => {
    await expectSameOutputs('dense decoder', buildDecoder(dense, [10], false, 11));
    const bytes = await expectSameOutputs('conv decoder 16×12×1', buildDecoder(conv, [16, 12, 1], true, 12));
    expect(count(bytes, 'Resize')).toBe(2);
    expect(count(bytes, 'Transpose')).toBe(2);
  });

  it('generators: dense, and conv (Dense -> Reshape -> Conv2DTranspose ×2)', async () => {
    await expectSameOutputs('dense generator', buildGenerator(dense, [10], 16, false, 13));
    const bytes = await expectSameOutputs('conv generator 16×12×1', buildGenerator(conv, [16, 12, 1], 16, true, 14));
    expect(count(bytes, 'ConvTranspose')).toBe(2);
    expect(count(bytes, 'Transpose')).toBe(2);
  });

  it('critic and projection heads on a conv feature map (Flatten after NCHW)', async () => {
    const encoder = buildEncoder(conv, [16, 12, 1], 15);
    await expectSameOutputs('critic head', buildCritic(encoder, 16));
    await expectSameOutputs('projection head', buildProjection(encoder, 6, 17));
    encoder.dispose();
  });

  it('fine-tuning from a conv encoder: Conv/Pool blocks, Flatten in tfjs order, head', async () => {
    const model = classifierFromEncoder(conv, [], [12, 8, 2], 3, 18);
    const bytes = await expectSameOutputs('finetune from conv encoder', model);
    expect(count(bytes, 'Transpose')).toBe(2);
  });
});

describe('toOnnx: every layer setting it accepts', () => {
  it('convolutions: strides, valid and odd same padding, transposed kernels smaller than the stride', async () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [9, 7, 2], filters: 3, kernelSize: 3, strides: 2, activation: 'tanh' }));
    m.add(tf.layers.conv2d({ filters: 4, kernelSize: [2, 3], strides: [2, 1], padding: 'same', useBias: false }));
    m.add(tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
    m.add(tf.layers.conv2dTranspose({ filters: 2, kernelSize: 1, strides: 2, padding: 'valid' }));
    m.add(tf.layers.conv2dTranspose({ filters: 2, kernelSize: [3, 2], padding: 'valid', useBias: false }));
    m.add(tf.layers.conv2dTranspose({ filters: 3, kernelSize: 1, strides: [3, 2], padding: 'same' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }));
    m.add(tf.layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear' }));
    m.add(tf.layers.activation({ activation: 'softmax' })); // over channels, laid out NCHW here
    m.add(tf.layers.maxPooling2d({ poolSize: [2, 3], strides: [1, 2] }));
    m.add(tf.layers.dense({ units: 3, activation: 'sigmoid' })); // Dense on an image: MatMul
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 5 }));
    await expectSameOutputs('conv zoo', m);
  });

  it("dilated convolutions: 'same' pads spanning the dilated kernel, odd sizes, one axis dilated", async () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [11, 9, 2], filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same' }));
    m.add(
      tf.layers.conv2d({ filters: 4, kernelSize: [2, 3], dilationRate: [3, 1], padding: 'same', activation: 'relu' }),
    );
    m.add(tf.layers.conv2d({ filters: 2, kernelSize: [3, 2], dilationRate: [1, 2], useBias: false }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
    m.add(tf.layers.conv2d({ filters: 3, kernelSize: 2, dilationRate: 2, padding: 'same', activation: 'tanh' }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
    const bytes = await expectSameOutputs('dilated convolutions', m);
    const convs = onnx.ModelProto.decode(bytes).graph!.node!.filter((n) => n.opType === 'Conv');
    const dilations = convs.map((n) => n.attribute!.find((a) => a.name === 'dilations')?.ints?.map(Number) ?? null);
    expect(dilations).toEqual([
      [2, 2],
      [3, 1],
      [1, 2],
      [2, 2],
    ]);
  });

  it('reshapes, channels-last ops on NHWC (nearest upsampling, softmax, global pooling) and Dense on 3-D', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [12], units: 24, activation: 'relu6' }));
    m.add(tf.layers.reshape({ targetShape: [2, 3, 4] }));
    m.add(tf.layers.upSampling2d({ size: [3, 2] })); // 6×6×4, NHWC
    m.add(tf.layers.activation({ activation: 'softmax' }));
    m.add(tf.layers.conv2d({ filters: 5, kernelSize: 2, padding: 'same' })); // 6×6×5, NCHW inside
    m.add(tf.layers.reshape({ targetShape: [-1, 5] })); // back to NHWC first: 36×5
    m.add(tf.layers.dense({ units: 4, activation: 'gelu' })); // MatMul on 3-D
    m.add(tf.layers.reshape({ targetShape: [6, 4, 6] }));
    m.add(tf.layers.globalMaxPooling2d({}));
    m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    await expectSameOutputs('reshape zoo', m);
  });

  it('every tfjs activation', async () => {
    const names = [
      'relu',
      'relu6',
      'elu',
      'selu',
      'sigmoid',
      'hardSigmoid',
      'softplus',
      'softsign',
      'tanh',
      'softmax',
      'logSoftmax',
      'swish',
      'mish',
      'gelu',
      'gelu_new',
      'linear',
    ];
    const m = tf.sequential();
    m.add(tf.layers.inputLayer({ inputShape: [6] }));
    for (const activation of names) {
      m.add(tf.layers.dense({ units: 6 }));
      m.add(tf.layers.activation({ activation } as unknown as Parameters<typeof tf.layers.activation>[0]));
    }
    await expectSameOutputs('activations zoo', m);
  });

  it('a functional model that is a single chain', async () => {
    const input = tf.input({ shape: [8, 8, 1] });
    let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
    h = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: h });
    const net = await saved(model);
    const bytes = await expectSameOutputs('functional chain', model);
    // The same network inside Keras's {model_config} wrapper (tfjs converter output).
    const wrapped = { ...net, modelTopology: { model_config: net.modelTopology } };
    expect(onnxSupport(wrapped.modelTopology)).toEqual({ ok: true });
    expect(ops(toOnnx(wrapped, { name: 'functional chain' }))).toEqual(ops(bytes));
  });

  it('a model with nothing to compute at inference (Dropout only): an Identity', async () => {
    const m = tf.sequential({ layers: [tf.layers.dropout({ inputShape: [3], rate: 0.5 })] });
    expect(ops(await expectSameOutputs('dropout only', m))).toEqual(['Identity']);
  });
});

describe('the ONNX model itself', () => {
  it('declares opset 13, named NHWC input and output with a dynamic batch, readable weights', async () => {
    const model = buildModel('cnn', [28, 28, 1], 10, 3);
    const net = await saved(model);
    model.dispose();
    const bytes = toOnnx(net, { name: 'digits, epoch 3', inputName: 'pixels', outputName: 'probabilities' });
    const m = onnx.ModelProto.decode(bytes);
    expect(Number(m.irVersion)).toBeGreaterThanOrEqual(7);
    expect(m.opsetImport.map((o) => [o.domain ?? '', Number(o.version)])).toEqual([['', ONNX_OPSET]]);
    expect(ONNX_OPSET).toBeGreaterThanOrEqual(13);
    expect(m.producerName).toBe('Pretrain Studio');
    expect(m.docString).toContain('digits, epoch 3');
    expect(m.docString).toContain('NHWC');
    const g = m.graph!;
    expect(g.name).toBe('digits, epoch 3');
    const dims = (v: onnx.ValueInfoProto.$Properties) =>
      v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(g.input!.map((v) => v.name)).toEqual(['pixels']);
    expect(dims(g.input![0]!)).toEqual(['batch', 28, 28, 1]);
    expect(g.output!.map((v) => v.name)).toEqual(['probabilities']);
    expect(dims(g.output![0]!)).toEqual(['batch', 10]);
    expect(g.initializer!.map((t) => t.name)).toEqual(net.weightSpecs.map((w) => w.name));
    // Conv kernels are stored [out, in, kh, kw], float32, raw little-endian.
    const k = g.initializer![0]!;
    expect(k.dims!.map(Number)).toEqual([16, 1, 3, 3]);
    expect(k.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(k.rawData!.length).toBe(16 * 9 * 4);
    // The caller owns the whole buffer (the worker transfers it).
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
  });

  // CI installs Debian's python3-onnx and sets REQUIRE_TORCH: there this never skips.
  it.skipIf(!process.env.REQUIRE_TORCH && spawnSync('/usr/bin/python3', ['-c', 'import onnx']).status !== 0)(
    "passes the onnx package's checker (full check, shape inference included)",
    () => {
      expect(exported.size).toBeGreaterThan(0);
      const dir = mkdtempSync(join(tmpdir(), 'onnx-export-'));
      try {
        const files = [...exported.values()].map((bytes, i) => {
          const file = join(dir, `model${i}.onnx`);
          writeFileSync(file, bytes);
          return file;
        });
        const check =
          'import onnx, sys\nfor f in sys.argv[1:]: onnx.checker.check_model(onnx.load(f), full_check=True)';
        const r = spawnSync('/usr/bin/python3', ['-c', check, ...files], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('what ONNX export refuses, naming the layer', () => {
  const expectRefused = (topology: object, net: SavedNetwork, pattern: RegExp) => {
    const support = onnxSupport(topology);
    expect(support.ok).toBe(false);
    if (!support.ok) expect(support.reason).toMatch(pattern);
    expect(() => toOnnx(net, { name: 'm' })).toThrow(ExportError);
    expect(() => toOnnx(net, { name: 'm' })).toThrow(pattern);
  };

  it('the text Transformer: its embedding, with what to download instead', async () => {
    const spec = {
      width: 8,
      heads: 2,
      layers: 1,
      mlpWidth: 16,
      pooling: 'mean' as const,
      dropout: 0,
      vocabSize: 20,
      maxLen: 6,
    };
    const model = buildTextClassifier(spec, 3, 1, { hidden: [], dropout: 0 });
    const net = await saved(model);
    model.dispose();
    expectRefused(net.modelTopology, net, /layer 2 "encoder_token_embedding" \(Embedding\)/);
    expectRefused(
      net.modelTopology,
      net,
      /Transformer cannot be exported to ONNX yet: use the TensorFlow\.js download/,
    );
  });

  it('an unknown activation, channels_first, dilation, and weights that do not fit', async () => {
    const model = buildModel('cnn', [8, 8, 1], 2, 1, undefined, [4]);
    const net = await saved(model);
    model.dispose();
    const edited = (edit: (layers: { config: Record<string, unknown> }[]) => void) => {
      const t = structuredClone(net.modelTopology) as { config: { layers: { config: Record<string, unknown> }[] } };
      edit(t.config.layers);
      return { ...net, modelTopology: t };
    };
    const bogus = edited((l) => (l[0]!.config.activation = 'bogus'));
    expectRefused(bogus.modelTopology, bogus, /layer 1 "conv1" \(Conv2D\) uses the activation "bogus"/);
    const first = edited((l) => (l[0]!.config.data_format = 'channels_first'));
    expectRefused(first.modelTopology, first, /layer 1 "conv1" \(Conv2D\) uses data_format "channels_first"/);
    // Dilation alone is written (Conv's dilations); with strides too, tfjs itself cannot run it.
    const dilated = edited((l) => {
      l[0]!.config.dilation_rate = [2, 2];
      l[0]!.config.strides = [2, 2];
    });
    expectRefused(dilated.modelTopology, dilated, /layer 1 "conv1" \(Conv2D\) uses strides 2×2 with dilation_rate 2×2/);

    expect(onnxSupport(net.modelTopology)).toEqual({ ok: true });
    const short = { ...net, weightData: net.weightData.slice(4) };
    expect(() => toOnnx(short, { name: 'm' })).toThrow(/weights are .* bytes, but their manifest needs/);
    const swapped = { ...net, weightSpecs: [net.weightSpecs[1]!, net.weightSpecs[0]!, ...net.weightSpecs.slice(2)] };
    expect(() => toOnnx(swapped, { name: 'm' })).toThrow(
      /layer 1 "conv1" \(Conv2D\) needs a float32 kernel of 3×3×1×4/,
    );
  });

  it('graphs that are not a single chain', async () => {
    const input = tf.input({ shape: [4], name: 'features' });
    const a = tf.layers.dense({ units: 3, name: 'left' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3, name: 'right' }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'merge' }).apply([a, b]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: sum });
    const net = await saved(model);
    model.dispose();
    expectRefused(net.modelTopology, net, /layer 3 "right" \(Dense\) reads "features", not just the layer before it/);
  });
});
