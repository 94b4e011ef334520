import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmKernels } from '../wasmKernels';
import { DEFAULT_CONFIG } from '../../shared/defaults';
import { trimPadding } from '../data/dataset';
import { buildTextClassifier, buildTextEncoder, validateTransformer, type TransformerSpec } from './transformer';

// wasm (with the kernel the worker adds) runs these four times faster than the cpu backend.
beforeAll(async () => {
  registerWasmKernels();
  await tf.setBackend('wasm');
});

const spec = (over: Partial<TransformerSpec> = {}): TransformerSpec => ({
  width: 16,
  heads: 4,
  layers: 2,
  mlpWidth: 32,
  pooling: 'mean',
  dropout: 0,
  vocabSize: 40,
  maxLen: 12,
  ...over,
});

/** Weight names without tfjs's uniqueness suffixes ("_1"), so two builds compare. */
const names = (m: tf.LayersModel) => m.weights.map((w) => w.originalName.replace(/_\d+(?=\/)/, ''));

describe('Transformer', () => {
  for (const pooling of ['mean', 'cls'] as const)
    it(`gives a padded text the same ${pooling}-pooled vector as the same text unpadded`, () => {
      const long = buildTextEncoder(spec({ pooling }), 3);
      const short = buildTextEncoder(spec({ pooling, maxLen: 4 }), 3);
      // The short model gets the long one's weights; its position table is the first 4 rows.
      short.encoder.setWeights(long.encoder.getWeights().map((w, i) => (i === 1 ? w.slice([0, 0], [4, -1]) : w)));
      const tokens = [2, 10, 11, 12];
      const padded = tf.tensor2d([[...tokens, 0, 0, 0, 0, 0, 0, 0, 0]]);
      const unpadded = tf.tensor2d([tokens]);
      const a = long.encoder.predict(padded) as tf.Tensor;
      const b = short.encoder.predict(unpadded) as tf.Tensor;
      expect(a.shape).toEqual([1, 16]);
      const diff = a.sub(b).abs().max().dataSync()[0]!;
      expect(diff).toBeLessThan(1e-5);
      // The padding does matter without the mask: the same tokens with a real token in place of padding differ.
      const other = tf.tensor2d([[...tokens, 13, 0, 0, 0, 0, 0, 0, 0]]);
      const c = long.encoder.predict(other) as tf.Tensor;
      expect(c.sub(a).abs().max().dataSync()[0]!).toBeGreaterThan(1e-4);
      tf.dispose([a, b, c, padded, unpadded, other]);
      long.encoder.dispose();
      short.encoder.dispose();
    });

  it('reads a batch cut to its longest text (a free length) as it reads the padded batch', () => {
    const { encoder } = buildTextEncoder(spec(), 5);
    expect(encoder.inputs[0]!.shape).toEqual([null, null]);
    // Three texts of 12 token slots, the longest using 5: the batch is cut to 5.
    const rows = [
      [2, 9, 8, 7, 6, 0, 0, 0, 0, 0, 0, 0],
      [2, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [2, 30, 31, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ];
    const cut = trimPadding(Float32Array.from(rows.flat()), 3, 12);
    expect(cut.length).toBe(5);
    expect(Array.from(cut.x.subarray(5, 10))).toEqual([2, 5, 0, 0, 0]);
    const full = encoder.predict(tf.tensor2d(rows)) as tf.Tensor;
    const short = encoder.predict(tf.tensor2d(cut.x, [3, 5])) as tf.Tensor;
    const diff = tf.max(tf.abs(tf.sub(full, short))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([full, short]);
    encoder.dispose();
    // A batch of full-length texts is left as it is.
    const long = Float32Array.from({ length: 24 }, (_, i) => 2 + i);
    expect(trimPadding(long, 2, 12).x).toBe(long);
  });

  it('refuses settings it cannot build, saying which', () => {
    expect(() => validateTransformer(spec({ width: 30, heads: 4 }))).toThrow(/divide evenly/);
    expect(() => validateTransformer(spec({ layers: 0 }))).toThrow(/layers/);
    expect(() => validateTransformer(spec({ dropout: 1 }))).toThrow(/dropout/);
  });

  it('starts a classifier from an encoder: the encoder weights come first and are copied in', () => {
    const { encoder } = buildTextEncoder(spec(), 5);
    const model = buildTextClassifier(
      spec(),
      3,
      9,
      DEFAULT_CONFIG.head,
      encoder.getWeights().map((w) => ({
        shape: w.shape,
        values: w.dataSync() as Float32Array,
      })),
    );
    expect(names(model).slice(0, encoder.weights.length)).toEqual(names(encoder));
    expect(model.layers.filter((l) => l.name.startsWith('head_')).map((l) => l.name)).toEqual([
      'head_dropout',
      'head_out',
    ]);
    const pooled = model.getLayer('encoder_pool').output as tf.SymbolicTensor;
    const inner = tf.model({ inputs: model.inputs, outputs: pooled });
    const x = tf.tensor2d([[2, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0]]);
    const a = encoder.predict(x) as tf.Tensor;
    const b = inner.predict(x) as tf.Tensor;
    expect(a.sub(b).abs().max().dataSync()[0]!).toBeLessThan(1e-6);
    tf.dispose([a, b, x]);
    expect(() =>
      buildTextClassifier(
        spec({ width: 32 }),
        3,
        9,
        DEFAULT_CONFIG.head,
        encoder.getWeights().map((w) => ({
          shape: w.shape,
          values: w.dataSync() as Float32Array,
        })),
      ),
    ).toThrow(/does not fit/);
    encoder.dispose();
    model.dispose();
  });

  it('saves and loads through model.json with the same outputs', async () => {
    const model = buildTextClassifier(spec({ pooling: 'cls', dropout: 0.1 }), 2, 4, DEFAULT_CONFIG.head);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: {} as never })));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const classes = loaded.layers.map((l) => l.getClassName());
    expect(classes).toContain('StudioSelfAttention');
    expect(classes).toContain('Embedding');
    expect(classes).toContain('LayerNormalization');
    const x = tf.tensor2d([
      [2, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [2, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9],
    ]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(a.sub(b).abs().max().dataSync()[0]!).toBeLessThan(1e-6);
    tf.dispose([a, b, x]);
    model.dispose();
    loaded.dispose();
  });

  it('learns a toy task that needs the whole sequence (is token 7 anywhere?) and leaks no tensor', async () => {
    // Rows of random tokens 8..39 (3 to 11 of them, then padding); half contain a 7 at a random place.
    let state = 12345;
    const rand = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const n = 256;
    const x = new Float32Array(n * 12);
    const y = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const len = 3 + Math.floor(rand() * 9);
      x[i * 12] = 2;
      for (let j = 1; j <= len; j++) x[i * 12 + j] = 8 + Math.floor(rand() * 32);
      const positive = i % 2 === 0;
      if (positive) x[i * 12 + 1 + Math.floor(rand() * len)] = 7;
      y[i * 2 + (positive ? 1 : 0)] = 1;
    }
    const model = buildTextClassifier(spec({ layers: 1 }), 2, 1, { hidden: [], dropout: 0 });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const xs = tf.tensor2d(x, [n, 12]);
    const ys = tf.tensor2d(y, [n, 2]);
    const counts: number[] = [];
    const history = await model.fit(xs, ys, {
      epochs: 25,
      batchSize: 32,
      shuffle: false,
      verbose: 0,
      callbacks: { onEpochEnd: async () => void counts.push(tf.memory().numTensors) },
    });
    const acc = history.history.acc as number[];
    expect(acc[acc.length - 1]!).toBeGreaterThan(0.95);
    expect(counts[counts.length - 1]).toBe(counts[2]);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
