// Augmentation keeps shapes and ranges, is seeded (same seed, same views), changes what it should
// and only that, and leaves no tensor behind.
import { objectiveSettings } from '../../shared/objectives';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUGMENT_PRESETS, augments } from '../../shared/augmentation';
import type { FeatureSpec } from '../../shared/preprocessing';
import type { AugmentSpec } from '../../shared/types/training';
import { collect, loadMnist, sliceSplits } from '../../test/fixtures';
import { buildModel } from '../models/build';
import { pretrain } from '../pretrain/pretrain';
import { RunControl } from '../train/control';
import { trainWithLabels } from '../train/loop';
import { gatherBatch } from '../data/dataset';
import { affineRow, augmentImages } from './images';
import { augmentRows, featureSlots } from './tables';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const off = AUGMENT_PRESETS.off;
const only = (patch: Partial<AugmentSpec>): AugmentSpec => ({ ...off, preset: 'custom', ...patch });

function digits(n: number): tf.Tensor4D {
  const ds = sliceSplits(loadMnist(), n, 0, 0);
  const { x } = gatherBatch(ds, ds.split.train, 0, n);
  return tf.tensor4d(x, [n, 28, 28, 1]);
}

describe('image augmentation', () => {
  it('keeps the shape and the 0..1 range, changes the pixels, and leaves no tensor behind', async () => {
    const x = digits(16);
    augmentImages(x, AUGMENT_PRESETS.strong, 0).dispose(); // kernels' first use may keep constants
    const before = tf.memory().numTensors;
    const y = augmentImages(x, AUGMENT_PRESETS.strong, 1);
    expect(y.shape).toEqual([16, 28, 28, 1]);
    const values = await y.data();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    const diff = tf.tidy(() => tf.abs(tf.sub(x, y)).mean());
    expect((await diff.data())[0]).toBeGreaterThan(0.01);
    diff.dispose();
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('is seeded: the same seed gives the same views, another seed others', async () => {
    const x = digits(8);
    const [a, b, c] = [1, 1, 2].map((seed) => augmentImages(x, AUGMENT_PRESETS.strong, seed));
    expect(await a!.data()).toEqual(await b!.data());
    expect(await a!.data()).not.toEqual(await c!.data());
    tf.dispose([x, a!, b!, c!]);
  });

  it('"off" returns the images unchanged (a copy the caller owns)', async () => {
    expect(augments(off)).toBe(false);
    const x = digits(4);
    const y = augmentImages(x, off, 3);
    expect(y).not.toBe(x);
    expect(await y.data()).toEqual(await x.data());
    tf.dispose([x, y]);
  });

  it('a shift moves the picture by the drawn number of pixels; a mirror flips it', async () => {
    // One bright pixel at (row 2, column 3) of a 5×5 image.
    const img = tf.buffer([1, 5, 5, 1]);
    img.set(1, 0, 2, 3, 0);
    const x = img.toTensor() as tf.Tensor4D;
    const moved = tf.image.transform(
      x,
      tf.tensor2d([affineRow(5, 5, { angle: 0, scale: 1, tx: 1, ty: 0, mirror: false })]),
    );
    const mirrored = tf.image.transform(
      x,
      tf.tensor2d([affineRow(5, 5, { angle: 0, scale: 1, tx: 0, ty: 0, mirror: true })]),
    );
    const at = async (t: tf.Tensor) => (await t.data()).indexOf(1);
    expect(await at(moved)).toBe(2 * 5 + 4); // one column to the right
    expect(await at(mirrored)).toBe(2 * 5 + 1); // column 3 of 0..4 mirrored is column 1
    tf.dispose([x, moved, mirrored]);
  });

  it('cut-out erases a square in about half of the images and nothing else', async () => {
    const x = tf.ones([40, 10, 10, 1]) as tf.Tensor4D;
    const y = augmentImages(x, only({ cutout: 0.3 }), 5);
    const zeros = await tf.sum(tf.equal(y, 0).cast('float32'), [1, 2, 3]).data();
    const erased = Array.from(zeros).filter((z) => z > 0);
    expect(erased.every((z) => z === 9)).toBe(true); // a 3×3 square
    expect(erased.length).toBeGreaterThan(10);
    expect(erased.length).toBeLessThan(30);
    tf.dispose([x, y]);
  });
});

describe('table augmentation', () => {
  const features: FeatureSpec[] = [
    { column: 'a', type: 'numeric', mean: 0, std: 1, impute: 0 },
    { column: 'colour', type: 'onehot', categories: ['red', 'blue'], other: true, impute: 'red' },
    { column: 'b', type: 'numeric', mean: 0, std: 1, impute: 0 },
  ];
  const slots = featureSlots(features);
  // 50 rows: a = row number, colour one-hot (row mod 3), b = -row number.
  const rows = 50;
  const x = new Float32Array(rows * 5);
  for (let r = 0; r < rows; r++) x.set([r, r % 3 === 0 ? 1 : 0, r % 3 === 1 ? 1 : 0, r % 3 === 2 ? 1 : 0, -r], r * 5);

  it('lays out the features as the model reads them', () => {
    expect(slots).toEqual([
      { start: 0, width: 1, numeric: true },
      { start: 1, width: 3, numeric: false },
      { start: 4, width: 1, numeric: true },
    ]);
  });

  it('corruption takes whole features from other rows of the batch, about the share asked for', () => {
    const y = augmentRows(x, rows, slots, only({ corruption: 0.3 }), 1);
    let replaced = 0;
    for (let r = 0; r < rows; r++) {
      const row = y.subarray(r * 5, r * 5 + 5);
      if (row[0] !== r) replaced++;
      // A one-hot feature stays one-hot: exactly one 1 among its three slots.
      expect(row[1]! + row[2]! + row[3]!).toBe(1);
      // Every value comes from some row of the batch.
      expect(Number.isInteger(row[0]) && row[0]! >= 0 && row[0]! < rows).toBe(true);
    }
    expect(replaced / rows).toBeGreaterThan(0.15);
    expect(replaced / rows).toBeLessThan(0.45);
    expect(x[5]).toBe(1); // the input is left as it is
  });

  it('noise touches the numeric columns only, and the same seed gives the same rows', () => {
    const y = augmentRows(x, rows, slots, only({ noise: 0.5 }), 2);
    expect(augmentRows(x, rows, slots, only({ noise: 0.5 }), 2)).toEqual(y);
    expect(augmentRows(x, rows, slots, only({ noise: 0.5 }), 3)).not.toEqual(y);
    for (let r = 0; r < rows; r++) {
      expect(y.subarray(r * 5 + 1, r * 5 + 4)).toEqual(x.subarray(r * 5 + 1, r * 5 + 4));
      expect(y[r * 5]).not.toBe(r);
    }
  });
});

describe('augmentation in the training loops', () => {
  const ds = sliceSplits(loadMnist(), 200, 50, 50);
  const losses = async (spec: AugmentSpec) => {
    // No dropout: then the only randomness left is the (seeded) augmentation.
    const model = buildModel('mlp', ds.inputShape, 10, 1, { hidden: [], dropout: 0 });
    const { events } = await collect(
      trainWithLabels(
        model,
        ds,
        { epochs: 2, batchSize: 25, learningRate: 1e-3, seed: 1, readEvery: 1, augmentation: spec },
        new RunControl(),
      ),
    );
    model.dispose();
    return events.flatMap((e) => (e.type === 'losses' ? e.losses[0]! : []));
  };

  it('fine-tuning trains on augmented batches (other losses than without), repeatably', async () => {
    const plain = await losses(off);
    const strong = await losses(AUGMENT_PRESETS.strong);
    expect(strong).toHaveLength(plain.length);
    expect(await losses(off)).toEqual(plain);
    expect(strong).not.toEqual(plain);
    expect(await losses(AUGMENT_PRESETS.strong)).toEqual(strong);
  });

  it('keeps the tensor count flat across epochs with augmentation on', async () => {
    const model = buildModel('mlp', ds.inputShape, 10, 1);
    const counts: number[] = [];
    await collect(
      trainWithLabels(
        model,
        ds,
        { epochs: 3, batchSize: 25, learningRate: 1e-3, seed: 1, readEvery: 1, augmentation: AUGMENT_PRESETS.strong },
        new RunControl(),
        { afterEpoch: async () => void counts.push(tf.memory().numTensors) },
      ),
    );
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(counts[2]).toBe(counts[1]);
    model.dispose();
  });

  it('pretraining trains on augmented batches too', async () => {
    const run = async (spec: AugmentSpec) => {
      const { events, result } = await collect(
        pretrain(
          ds,
          {
            objective: objectiveSettings('autoencoder'),
            encoder: { kind: 'dense', widths: [32] },
            learningRate: 1e-3,
            epochs: 1,
            batchSize: 25,
            seed: 1,
            readEvery: 1,
            augmentation: spec,
          },
          new RunControl(),
        ),
      );
      result.encoder.dispose();
      return events.flatMap((e) => (e.type === 'losses' ? e.losses[0]! : []));
    };
    expect(await run(AUGMENT_PRESETS.light)).not.toEqual(await run(off));
  });
});

describe('the affine map over a batch', () => {
  it('moves every image of the batch, not only the first (tfjs cpu kernel bug worked around)', async () => {
    const x = digits(4);
    const y = augmentImages(x, only({ shift: 0.1 }), 1);
    const sums = await tf.tidy(() => y.sum([1, 2, 3])).data();
    const before = await tf.tidy(() => x.sum([1, 2, 3])).data();
    // A shift of up to 3 pixels keeps most of each digit in view.
    for (let i = 0; i < 4; i++) expect(sums[i]).toBeGreaterThan(before[i]! * 0.7);
    tf.dispose([x, y]);
  });
});
