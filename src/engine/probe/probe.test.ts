import * as tf from '@tensorflow/tfjs';
import { objectiveSettings } from '../../shared/objectives';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, loadMnist, sliceSplits } from '../../test/fixtures';
import { AUGMENT_PRESETS } from '../../shared/augmentation';
import type { EpochLog } from '../../shared/types/results';
import type { Dataset } from '../data/dataset';
import { mulberry32 } from '../data/random';
import { pretrain } from '../pretrain/pretrain';
import { RunControl } from '../train/control';
import { PROBE_LIMITS, knnProbe, linearProbe, probeRows, withProbe } from './probe';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** `n` points per class around three far-apart centres in 4-D (linearly separable), and labels. */
function blobs(n: number, seed: number): { x: tf.Tensor2D; y: Int32Array } {
  const rand = mulberry32(seed);
  const centres = [
    [6, 0, 0, 1],
    [0, 6, 0, 1],
    [0, 0, 6, 1],
  ];
  const values: number[] = [];
  const y = new Int32Array(3 * n);
  for (let i = 0; i < 3 * n; i++) {
    y[i] = i % 3;
    for (const c of centres[i % 3]!) values.push(c + (rand() - 0.5) * 2);
  }
  return { x: tf.tensor2d(values, [3 * n, 4]), y };
}

describe('probes', () => {
  it('the probe on a linearly separable toy set: linear and k-NN reach 100%, and no tensor is left', async () => {
    const train = blobs(40, 1);
    const val = blobs(30, 2);
    const before = tf.memory().numTensors;
    expect(await linearProbe(train.x, train.y, val.x, val.y, 3)).toBe(1);
    expect(await knnProbe(train.x, train.y, val.x, val.y, 3)).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    // Labels that have nothing to do with the features: near chance, not a probe that always says yes.
    const shuffled = Int32Array.from(val.y, (_, i) => (i * 7 + 1) % 3);
    expect(await linearProbe(train.x, train.y, val.x, shuffled, 3)).toBeLessThan(0.6);
    expect(await knnProbe(train.x, train.y, val.x, shuffled, 3)).toBeLessThan(0.6);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([train.x, val.x]);
  });

  it('k-NN with more neighbours than training rows still votes (k shrinks)', async () => {
    const train = blobs(1, 3);
    const val = blobs(5, 4);
    expect(await knnProbe(train.x, train.y, val.x, val.y, 3, 10)).toBe(1);
    tf.dispose([train.x, val.x]);
  });

  const mnist = sliceSplits(loadMnist(), 512, 64, 64);

  it('fits on the budgeted training rows and scores on validation rows, never test rows; none without labels', () => {
    const rows = probeRows(mnist, { labelBudget: 'perClass', labelsPerClass: 5, labelFraction: 1 }, 1)!;
    expect(rows.train.length).toBe(5 * mnist.classNames.length);
    const train = new Set(mnist.split.train);
    expect(Array.from(rows.train).every((r) => train.has(r))).toBe(true);
    expect(Array.from(rows.val)).toEqual(Array.from(mnist.split.val));
    const test = new Set(mnist.split.test);
    expect([...rows.train, ...rows.val].some((r) => test.has(r))).toBe(false);
    expect(probeRows(mnist, {}, 1)!.train.length).toBe(512);
    expect(probeRows({ ...mnist, y: null, task: 'none' } as Dataset, {}, 1)).toBeNull();
    expect(probeRows({ ...mnist, split: { ...mnist.split, val: new Int32Array(0) } }, {}, 1)).toBeNull();
  });

  it('caps the rows of a big dataset (seeded: the same rows every epoch)', () => {
    const big = sliceSplits(loadMnist(), 3000, 1200, 100);
    const a = probeRows(big, {}, 1)!;
    expect(a.train.length).toBe(PROBE_LIMITS.trainRows);
    expect(a.val.length).toBe(PROBE_LIMITS.valRows);
    expect(probeRows(big, {}, 1)!.train).toEqual(a.train);
  });

  it('every pretraining epoch carries a probe, timed, and the probes leak nothing', async () => {
    const before = tf.memory().numTensors;
    const gen = pretrain(
      mnist,
      {
        epochs: 2,
        batchSize: 64,
        seed: 1,
        readEvery: 4,
        learningRate: 2e-3,
        objective: objectiveSettings('autoencoder'),
        encoder: { kind: 'dense', widths: [32] },
        labelBudget: 'perClass',
        labelsPerClass: 20,
      },
      new RunControl(),
    );
    const { events, result } = await collect(gen);
    const logs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
    expect(logs).toHaveLength(2);
    for (const log of logs) {
      expect(log.probe!.trainRows).toBe(200);
      expect(log.probe!.valRows).toBe(64);
      expect(log.probe!.k).toBe(PROBE_LIMITS.k);
      // Digits from an autoencoder's features: far above chance (10%).
      expect(log.probe!.linear).toBeGreaterThan(0.3);
      expect(log.probe!.knn).toBeGreaterThan(0.3);
      expect(log.probe!.seconds).toBeGreaterThan(0);
    }
    result.encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['denoising', 'gan', 'contrastive'] as const)('the %s objective probes its epochs too', async (objective) => {
    const small = sliceSplits(loadMnist(), 128, 32, 32);
    const gen = pretrain(
      small,
      {
        epochs: 1,
        batchSize: 64,
        seed: 1,
        readEvery: 2,
        learningRate: 2e-3,
        objective: objectiveSettings(objective),
        encoder: { kind: 'dense', widths: [16] },
        augmentation: AUGMENT_PRESETS.light,
      },
      new RunControl(),
    );
    const { events, result } = await collect(gen);
    const logs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
    result.encoder.dispose();
    expect(logs).toHaveLength(1);
    expect(logs[0]!.probe!.valRows).toBe(32);
    expect(logs[0]!.probe!.linear).toBeGreaterThanOrEqual(0);
  });

  it('withProbe sets the probe on the epoch log before it goes out, so what follows sees it', async () => {
    const seen: unknown[] = [];
    const log: EpochLog = { epoch: 1, step: 1, trainLoss: 1, valLoss: 1, valAccuracy: NaN, seconds: 1 };
    const wrapped = withProbe(
      async () => ({ linear: 0.9, knn: 0.8, k: 5, trainRows: 10, valRows: 5, seconds: 0.1 }),
      async function* () {
        yield { type: 'epoch' as const, log };
        seen.push(log.probe); // e.g. the checkpoint saved after the epoch
        yield { type: 'snapshot' as const };
      },
    );
    const out = [];
    for await (const ev of wrapped(undefined)) out.push(ev);
    expect(out.map((e) => e.type)).toEqual(['epoch', 'snapshot']);
    expect(seen).toEqual([{ linear: 0.9, knn: 0.8, k: 5, trainRows: 10, valRows: 5, seconds: 0.1 }]);
    expect(withProbe(null, wrapped)).toBe(wrapped);
  });
});
