import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Preprocessing } from '../../shared/preprocessing';
import { buildModel } from '../models/build';
import { integratedGradients, occludeTokens, pixelHeat, smoothGrad, sumGroups, targetScore } from './attributions';
import { explainInput } from './explain';
import { gradCam, hasConvolution } from './gradCam';
import { permutationImportance, shuffleColumns } from './importance';
import { ranks, sanityOf, spearman, untrainedTwin } from './sanity';
import { sanityThreshold } from '../../shared/types/explain';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Dense layers with the given kernels and biases (weights set by hand: known answers). */
function dense(inputs: number, kernel: number[][], bias: number[], activation: 'linear' | 'softmax'): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [inputs], units: bias.length, activation }));
  m.setWeights([tf.tensor2d(kernel), tf.tensor1d(bias)]);
  return m;
}

const TABLE: Preprocessing = {
  kind: 'table',
  features: [
    { column: 'a', type: 'numeric', mean: 0, std: 1, impute: 0 },
    { column: 'b', type: 'numeric', mean: 10, std: 2, impute: 10 },
    { column: 'c', type: 'onehot', categories: ['x', 'y'], other: false, impute: 'x' },
  ],
  label: { column: 'label', type: 'classes', classNames: ['no', 'yes'] },
  missing: 'impute',
  missingTokens: [''],
};

describe('attribution methods', () => {
  it('integrated gradients of a linear model are weight x (input - baseline), and SmoothGrad its weights', () => {
    const model = dense(3, [[2], [-1], [0.5]], [0.3], 'linear');
    const score = targetScore(model, -1);
    const x = tf.tensor2d([[1, 4, -2]]);
    const b = tf.tensor2d([[0.5, 1, 0]]);
    const ig = integratedGradients(score, x, b, 8);
    expect(Array.from(ig.dataSync())).toEqual([1, -3, -1].map((v) => expect.closeTo(v, 5)));
    const sg = smoothGrad(score, x, 0.5, 16);
    expect(Array.from(sg.dataSync())).toEqual([2, -1, 0.5].map((v) => expect.closeTo(v, 5)));
    tf.dispose([x, b, ig, sg]);
    model.dispose();
  });

  it('integrated gradients add up to score(x) - score(baseline) on a nonlinear network', () => {
    const model = buildModel('mlp', [6], 3, 7);
    const score = targetScore(model, 2);
    const x = tf.tensor2d([[0.5, -1, 2, 0.1, 1.5, -0.3]]);
    const b = tf.zerosLike(x);
    const ig = integratedGradients(score, x, b, 128);
    const gap = score(x).sub(score(b)).dataSync()[0]!;
    expect(ig.sum().dataSync()[0]!).toBeCloseTo(gap, 3);
    tf.dispose([x, b, ig]);
    model.dispose();
  });

  it('occlusion weighs each token by how much the score falls without it', async () => {
    // score = w . ids: masking position i (id -> 3) changes it by w_i (id_i - 3).
    const model = dense(4, [[1], [0.5], [-2], [3]], [0], 'linear');
    const { full, weights } = await occludeTokens(
      targetScore(model, -1),
      Float32Array.from([2, 7, 5, 0]),
      [1, 2],
      3,
      1,
    );
    expect(full).toBeCloseTo(2 + 3.5 - 10, 5);
    expect(Array.from(weights)).toEqual([0.5 * 4, -2 * 2].map((v) => expect.closeTo(v, 5)));
    model.dispose();
  });

  it('Grad-CAM finds the bright region a convolution and average pooling read', () => {
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 1, kernelSize: 1, activation: 'relu', name: 'c' }));
    model.add(tf.layers.globalAveragePooling2d({}));
    model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
    model.setWeights([tf.tensor4d([1], [1, 1, 1, 1]), tf.tensor1d([0]), tf.tensor2d([[-1, 1]]), tf.tensor1d([0, 0])]);
    const pixels = new Float32Array(36);
    pixels[2 * 6 + 3] = 1;
    pixels[2 * 6 + 4] = 0.5;
    const x = tf.tensor4d(pixels, [1, 6, 6, 1]);
    const cam = gradCam(model, x, 1);
    expect(cam.shape).toEqual([6, 6]);
    const values = cam.dataSync();
    expect(values[2 * 6 + 3]).toBeCloseTo(1, 5);
    expect(values[2 * 6 + 4]).toBeCloseTo(0.5, 5);
    expect(values[0]).toBeCloseTo(0, 5);
    expect(hasConvolution(model)).toBe(true);
    expect(hasConvolution(buildModel('mlp', [4], 2, 1))).toBe(false);
    expect(() => gradCam(buildModel('mlp', [36], 2, 1), x, 1)).toThrow(/no.*convolution|has none/);
    tf.dispose([x, cam]);
    model.dispose();
  });

  it('pixel heat sums channel magnitudes and scales the largest to 1; groups sum one-hot columns', async () => {
    const a = tf.tensor4d([1, -3, 0, 0, 2, 2], [1, 1, 3, 2]);
    expect(Array.from(await pixelHeat(a))).toEqual([1, 0, 1]);
    a.dispose();
    expect(sumGroups([1, 2, 3, 4, 5], [1, 3, 1])).toEqual([1, 9, 5]);
  });
});

describe('permutation importance', () => {
  it('shuffles a column group as one, keeping each row whole elsewhere', () => {
    const x = Float32Array.from([1, 10, 11, 2, 20, 21, 3, 30, 31]);
    expect(Array.from(shuffleColumns(x, 3, 1, 2, Int32Array.from([2, 0, 1])))).toEqual([
      1, 30, 31, 2, 10, 11, 3, 20, 21,
    ]);
  });

  it('gives the column the label depends on all the importance, the others none', async () => {
    // class = a > 0; b and the one-hot c are ignored by the model.
    const model = dense(
      4,
      [
        [-5, 5],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      [0, 0],
      'softmax',
    );
    const rows = 200;
    const x = new Float32Array(rows * 4);
    const y = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const a = (i % 2 ? 1 : -1) * (0.5 + (i % 7) / 7);
      x.set([a, Math.sin(i), i % 3 ? 1 : 0, i % 3 ? 0 : 1], i * 4);
      y[i] = a > 0 ? 1 : 0;
    }
    const r = await permutationImportance(
      model,
      { x, y, width: 4, groups: [1, 1, 2], task: 'classification' },
      [4],
      4,
      3,
    );
    expect(r.baseline).toBe(1);
    expect(r.mean[0]).toBeGreaterThan(0.3);
    expect(r.mean.slice(1)).toEqual([0, 0]);
    expect(r.std.slice(1)).toEqual([0, 0]);
    model.dispose();
  });
});

describe('the randomization check', () => {
  it('ranks and Spearman correlation', () => {
    expect(Array.from(ranks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBe(0);
    // 0.5 where many values are compared; more where few could agree by chance.
    const many = Array.from({ length: 50 }, (_, i) => i);
    expect(
      sanityOf(
        many,
        many.map((v) => v * 2),
      ),
    ).toEqual({ correlation: expect.closeTo(1), threshold: 0.5, passed: false });
    expect(sanityThreshold(50)).toBe(0.5);
    expect(sanityThreshold(5)).toBeCloseTo(0.82, 2);
    expect(sanityThreshold(2)).toBe(1);
    const five = sanityOf([5, 1, 2, 3, 4], [3, 1, 2, 5, 4]);
    expect(five.correlation).toBeCloseTo(0.6);
    expect(five.passed).toBe(true);
  });

  it("the untrained twin has the network's layers and its initial weights", async () => {
    const model = buildModel('mlp', [5], 2, 3);
    const initial = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.setWeights(model.getWeights().map((w) => w.add(1)));
    const twin = await untrainedTwin(model);
    expect(twin.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    expect(twin.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(initial);
    twin.dispose();
    model.dispose();
  });
});

describe('explainInput', () => {
  it('explains a table row per column; a trained model passes the check, an untrained one does not; nothing leaks', async () => {
    const before = tf.memory().numTensors;
    // Trained by hand: only column a matters. The twin (its seeded initial weights) spreads over all.
    const model = buildModel('mlp', [4], 2, 5);
    const kernel = tf.buffer([4, 128]);
    kernel.set(1, 0, 0);
    const out = tf.buffer([128, 2]);
    out.set(-3, 0, 0);
    out.set(3, 0, 1);
    const set = [kernel.toTensor(), tf.zeros([128]), out.toTensor(), tf.zeros([2])];
    model.setWeights(set);
    tf.dispose(set);
    const x = Float32Array.from([0.6, 1.8, 0, 1]);
    const e = await explainInput({ model, preprocessing: TABLE, x, method: 'integratedGradients' });
    expect(e.predictedIndex).toBe(1);
    expect(e.classIndex).toBe(1);
    expect(e.columns!.map((c) => [c.column, c.value])).toEqual([
      ['a', '0.6'],
      ['b', '13.6'],
      ['c', 'y'],
    ]);
    expect(e.columns![0]!.weight).toBeGreaterThan(0.1);
    expect(e.columns![1]!.weight).toBe(0);
    expect(e.columns![2]!.weight).toBe(0);
    // Untrained: the attributions are the twin's own, so they agree with it.
    const fresh = buildModel('mlp', [4], 2, 5);
    const f = await explainInput({
      model: fresh,
      preprocessing: TABLE,
      x,
      method: 'integratedGradients',
      classIndex: 0,
    });
    expect(f.classIndex).toBe(0);
    expect(f.sanity).toEqual({ correlation: expect.closeTo(1), threshold: 1, passed: false });
    expect(e.sanity.correlation).toBeLessThan(e.sanity.threshold);
    expect(e.sanity.passed).toBe(true);
    await expect(explainInput({ model, preprocessing: TABLE, x, method: 'gradCam' })).rejects.toThrow(
      /integratedGradients/,
    );
    model.dispose();
    fresh.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('explains a picture with each method the CNN offers: a heat per pixel in 0-1, the pixels back', async () => {
    const p: Preprocessing = {
      kind: 'image',
      height: 12,
      width: 12,
      channels: 1,
      scale: 1 / 255,
      classNames: ['a', 'b', 'c'],
    };
    const model = buildModel('cnn', [12, 12, 1], 3, 2, undefined, [4, 4]);
    const pixels = Uint8Array.from({ length: 144 }, (_, i) => (i * 37) % 256);
    const x = Float32Array.from(pixels, (v) => v / 255);
    const before = tf.memory().numTensors;
    for (const method of ['smoothGrad', 'integratedGradients', 'gradCam'] as const) {
      const e = await explainInput({ model, preprocessing: p, x, method });
      expect(e.image!.heat).toHaveLength(144);
      expect(Math.max(...e.image!.heat)).toBeCloseTo(1, 5);
      expect(Math.min(...e.image!.heat)).toBeGreaterThanOrEqual(0);
      expect(Array.from(e.image!.pixels)).toEqual(Array.from(pixels));
      expect(e.probabilities).toHaveLength(3);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
