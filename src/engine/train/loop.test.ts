import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, loadMnist, sliceSplits } from '../../test/fixtures';
import { buildModel } from '../models/build';
import { RunControl } from './control';
import { evaluateTest, trainWithLabels, type TrainEvent } from './loop';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const mnist = loadMnist();

const lossesOf = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'losses' ? e.losses[0]! : []));

describe('training the reference model on real digits (cpu backend)', () => {
  it('lowers the loss, reports epochs, evaluates on the test split, and leaks no tensors', async () => {
    const ds = sliceSplits(mnist, 1200, 300, 300);
    const before = tf.memory().numTensors;
    const model = buildModel('mlp', ds.inputShape, 10, 1);
    expect(model.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dropout', 'Dense']);
    const tensorsAtEpochEnd: number[] = [];
    const { events, result } = await collect(
      trainWithLabels(
        model,
        ds,
        { epochs: 3, batchSize: 32, learningRate: 1e-3, seed: 1, readEvery: 4 },
        new RunControl(),
      ),
      (e) => e.type === 'epoch' && tensorsAtEpochEnd.push(tf.memory().numTensors),
    );
    expect(result).toEqual({ state: 'done', steps: 3 * Math.ceil(1200 / 32) });
    const losses = lossesOf(events);
    expect(losses).toHaveLength(result.steps); // every batch's loss is reported once
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 5)) * 0.5);
    const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2]!.valLoss).toBeLessThan(epochs[0]!.valLoss);
    expect(epochs[2]!.valAccuracy).toBeGreaterThan(0.8);
    // Flat across epochs: only the model's own weights stay alive.
    expect(new Set(tensorsAtEpochEnd).size).toBe(1);
    const evaluation = await evaluateTest(model, ds);
    if (evaluation.task !== 'classification') throw new Error('expected a classification evaluation');
    expect(evaluation.samples).toBe(300);
    expect(evaluation.accuracy).toBeGreaterThan(0.8);
    expect(evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(300);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pauses at the next batch, holds still while paused, resumes, and stops', async () => {
    const ds = sliceSplits(mnist, 640, 64, 64);
    const model = buildModel('mlp', ds.inputShape, 10, 2);
    const control = new RunControl();
    const gen = trainWithLabels(
      model,
      ds,
      { epochs: 5, batchSize: 32, learningRate: 1e-3, seed: 1, readEvery: 1 },
      control,
    );
    let step = 0;
    let next = await gen.next();
    while (!next.done && step < 3) {
      if (next.value.type === 'batch') step = next.value.step;
      next = await gen.next();
    }
    control.pause();
    // The loop reaches the pause at the next batch boundary.
    while (!next.done && next.value.type !== 'paused') next = await gen.next();
    expect(next.done).toBe(false);
    const pausedAt = (next.value as { step: number }).step;
    expect(pausedAt).toBeLessThanOrEqual(step + 1);
    const pending = gen.next(); // blocks while paused
    const raced = await Promise.race([
      pending.then(() => 'moved'),
      new Promise((r) => setTimeout(() => r('held'), 150)),
    ]);
    expect(raced).toBe('held');
    control.resume();
    next = await pending;
    expect(next.value).toMatchObject({ type: 'resumed', step: pausedAt });
    next = await gen.next();
    while (!next.done && next.value.type !== 'batch') next = await gen.next();
    expect((next.value as { step: number }).step).toBe(pausedAt + 1);
    control.stop();
    while (!next.done) next = await gen.next();
    expect(next.value.state).toBe('stopped');
    expect(next.value.steps).toBeLessThan(5 * 20);
    model.dispose();
  });

  it('stops with "diverged" when the loss is not finite', async () => {
    const ds = sliceSplits(mnist, 256, 32, 32);
    // One NaN pixel in row 0, which is in the train split.
    const poisoned = { ...ds, x: Float32Array.from(ds.x, (v, i) => (i === 0 ? NaN : v / 255)), xScale: 1 };
    const model = buildModel('mlp', ds.inputShape, 10, 3);
    const { events, result } = await collect(
      trainWithLabels(
        model,
        poisoned,
        { epochs: 2, batchSize: 32, learningRate: 1e-3, seed: 1, readEvery: 1 },
        new RunControl(),
      ),
    );
    expect(result.state).toBe('diverged');
    expect(events.some((e) => e.type === 'diverged')).toBe(true);
    model.dispose();
  });
});
