import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../models/build';
import { trainableVariables } from '../train/loop';
import { CheckpointError, captureModel, restoreModel, restoreOptimizer, verify } from './serialize';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const x = tf.randomUniform([32, 20], 0, 1, 'float32', 3);
const y = tf.oneHot(
  tf.tensor1d(
    Array.from({ length: 32 }, (_, i) => i % 4),
    'int32',
  ),
  4,
);
const step = (model: tf.LayersModel, opt: tf.Optimizer) =>
  opt.minimize(
    () => tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: false }) as tf.Tensor).mean() as tf.Scalar,
    true,
    trainableVariables(model),
  )!;

describe('checkpoint serialization', () => {
  it('round-trips the model and the Adam state: the resumed step equals the uninterrupted one', async () => {
    const a = buildModel('mlp', [20], 4, 1);
    const optA = tf.train.adam(0.01);
    for (let i = 0; i < 5; i++) step(a, optA).dispose();
    const saved = await captureModel(a, optA);
    expect(saved.optimizer.map((t) => t.name)[0]).toBe('iter');
    expect(saved.optimizer).toHaveLength(1 + 2 * 4); // step count, then m and v for 4 variables

    const b = await restoreModel(saved, 'test checkpoint');
    const optB = tf.train.adam(0.01);
    await restoreOptimizer(optB, saved.optimizer);
    const fresh = await restoreModel(saved, 'test checkpoint');
    const optFresh = tf.train.adam(0.01);

    const la = (await step(a, optA).data())[0]!;
    const lb = (await step(b, optB).data())[0]!;
    step(fresh, optFresh).dispose();
    expect(lb).toBeCloseTo(la, 6);
    const wa = Array.from(a.getWeights()[0]!.dataSync());
    const wb = Array.from(b.getWeights()[0]!.dataSync());
    const wf = Array.from(fresh.getWeights()[0]!.dataSync());
    wb.forEach((v, i) => expect(v).toBeCloseTo(wa[i]!, 5));
    // A fresh Adam would have moved the weights differently.
    expect(wf.some((v, i) => Math.abs(v - wa[i]!) > 1e-4)).toBe(true);
    [a, b, fresh, optA, optB, optFresh].forEach((m) => m.dispose());
  });

  it('refuses a damaged record, saying what is wrong', async () => {
    const m = buildModel('mlp', [20], 4, 2);
    const saved = await captureModel(m, null);
    expect(() => verify(saved, 'ok')).not.toThrow();
    const truncated = { ...saved, weightData: saved.weightData.slice(0, 100) };
    expect(() => verify(truncated, 'Checkpoint "run 1, epoch 2"')).toThrow(CheckpointError);
    expect(() => verify(truncated, 'Checkpoint "run 1, epoch 2"')).toThrow(/is damaged: its weights hold 100 bytes/);
    const flipped = { ...saved, weightData: saved.weightData.slice(0) };
    new Uint8Array(flipped.weightData)[10]! ^= 0xff;
    await expect(restoreModel(flipped, 'cp')).rejects.toThrow(/checksum does not match/);
    m.dispose();
  });
});
