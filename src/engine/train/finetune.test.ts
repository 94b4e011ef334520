// Fine-tuning's controls on real training (tfjs cpu): freezing, optimizers, schedules, early
// stopping and label budgets.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { learningRateAt } from '../../shared/schedule';
import { DEFAULT_CONFIG } from '../../shared/defaults';
import type { EpochLog } from '../../shared/types/results';
import type { Dataset } from '../data/dataset';
import { loadMnist, sliceSplits } from '../../test/fixtures';
import { buildModel } from '../models/build';
import { RunControl } from './control';
import { layerParts } from './freeze';
import { budgetedRows, trainWithLabels, type LoopConfig, type TrainEvent } from './loop';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const mnist = loadMnist();

async function run(
  model: tf.LayersModel,
  ds: Dataset,
  cfg: LoopConfig,
  afterEpoch?: (log: EpochLog, m: tf.LayersModel) => void,
) {
  const events: TrainEvent[] = [];
  const gen = trainWithLabels(model, ds, cfg, new RunControl(), { afterEpoch: async (log, m) => afterEpoch?.(log, m) });
  let next = await gen.next();
  while (!next.done) {
    events.push(next.value);
    next = await gen.next();
  }
  return { events, result: next.value };
}

const weightsOf = (model: tf.LayersModel, names: string[]) =>
  model.layers
    .filter((l) => names.includes(l.name))
    .flatMap((l) => l.getWeights().map((w) => Array.from(w.dataSync())));

const base: LoopConfig = { epochs: 2, batchSize: 32, learningRate: 1e-2, seed: 3, readEvery: 4 };

describe('freezing', () => {
  it('keeps the encoder weights unchanged while the head trains, then trains them', async () => {
    const ds = sliceSplits(mnist, 320, 64, 64);
    const model = buildModel('mlp', ds.inputShape, 10, 1, { hidden: [16], dropout: 0.5 });
    expect(layerParts(model)).toEqual(['encoder', 'head', 'head', 'head']);
    const encoder = ['dense_hidden'];
    const head = ['head_hidden1', 'head_out'];
    const start = { enc: weightsOf(model, encoder), head: weightsOf(model, head) };
    const perEpoch: { enc: number[][]; head: number[][] }[] = [];
    const { events } = await run(
      model,
      ds,
      { ...base, epochs: 3, freeze: { headEpochs: 2, unfreeze: 'all', lastK: 1, lrFactor: 0.1 } },
      (_, m) => perEpoch.push({ enc: weightsOf(m, encoder), head: weightsOf(m, head) }),
    );
    expect(perEpoch[0]!.enc).toEqual(start.enc);
    expect(perEpoch[1]!.enc).toEqual(start.enc);
    expect(perEpoch[1]!.head).not.toEqual(perEpoch[0]!.head);
    expect(perEpoch[2]!.enc).not.toEqual(start.enc);
    const layerEvents = events.flatMap((e) => (e.type === 'layers' ? [e] : []));
    expect(layerEvents.map((e) => e.epoch)).toEqual([1, 3]);
    expect(layerEvents[0]!.layers.filter((l) => l.trainable).map((l) => l.name)).toEqual(head);
    expect(layerEvents[1]!.layers.filter((l) => l.trainable).map((l) => l.name)).toEqual(['dense_hidden', ...head]);
    // The lower rate after unfreezing is what the epoch reports.
    const logs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
    expect(logs[2]!.learningRate).toBeCloseTo(1e-3);
    model.dispose();
  });

  it('unfreezes only the last K encoder layers with weights', async () => {
    const ds = sliceSplits(mnist, 128, 32, 32);
    const model = buildModel('cnn', ds.inputShape, 10, 1, undefined, [4, 8]);
    const { events } = await run(model, ds, {
      ...base,
      batchSize: 64,
      freeze: { headEpochs: 1, unfreeze: 'last', lastK: 1, lrFactor: 0.5 },
    });
    const layerEvents = events.flatMap((e) => (e.type === 'layers' ? [e] : []));
    expect(layerEvents[1]!.layers.filter((l) => l.trainable).map((l) => l.name)).toEqual(['conv2', 'head_out']);
    model.dispose();
  });
});

describe('optimizers and schedules', () => {
  it('trains with SGD, momentum and Adam, and applies the scheduled rate', async () => {
    const ds = sliceSplits(mnist, 640, 128, 64);
    for (const kind of ['sgd', 'momentum', 'adam'] as const) {
      const model = buildModel('mlp', ds.inputShape, 10, 1);
      const lr = kind === 'adam' ? 1e-3 : 0.05;
      const cfg: LoopConfig = {
        ...base,
        learningRate: lr,
        optimizer: { ...DEFAULT_CONFIG.optimizer, kind },
        schedule: { ...DEFAULT_CONFIG.schedule, kind: 'step', stepEvery: 1, stepFactor: 0.5 },
      };
      const before = tf.memory().numTensors;
      const { events } = await run(model, ds, cfg);
      expect(tf.memory().numTensors).toBe(before); // optimizers disposed
      const logs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
      expect(logs[1]!.valLoss).toBeLessThan(2.0); // learned something from ln(10) = 2.30
      expect(logs.map((l) => l.learningRate)).toEqual([lr, lr / 2]);
      expect(logs[1]!.learningRate).toBe(learningRateAt({ ...DEFAULT_CONFIG, ...cfg }, logs[1]!.step - 1, 20));
      model.dispose();
    }
  });

  it('really changes the step size: SGD at rate 0 leaves the weights alone', async () => {
    const ds = sliceSplits(mnist, 64, 32, 32);
    const model = buildModel('mlp', ds.inputShape, 10, 1, { hidden: [], dropout: 0 });
    const before = weightsOf(model, ['dense_hidden', 'head_out']);
    // Warm-up over all 2 epochs: the first step's rate is 1/4 of the rate, never 0; with a step
    // factor of 0 after epoch 1 the second epoch must not move the weights.
    const perEpoch: number[][][] = [];
    await run(
      model,
      ds,
      {
        ...base,
        learningRate: 0.1,
        optimizer: { ...DEFAULT_CONFIG.optimizer, kind: 'sgd' },
        schedule: { ...DEFAULT_CONFIG.schedule, kind: 'step', stepEvery: 1, stepFactor: 0 },
      },
      (_, m) => perEpoch.push(weightsOf(m, ['dense_hidden', 'head_out'])),
    );
    expect(perEpoch[0]).not.toEqual(before);
    expect(perEpoch[1]).toEqual(perEpoch[0]);
    model.dispose();
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without a better validation loss and restores the best weights', async () => {
    // Validation labels are the training labels shifted by one class: the better the model fits
    // the training rows, the worse its validation loss, so epoch 1 is the best.
    const small = sliceSplits(mnist, 400, 100, 100);
    const y = Int32Array.from(small.y as Int32Array);
    for (const r of small.split.val) y[r] = (y[r]! + 1) % 10;
    const ds: Dataset = { ...small, y };
    const model = buildModel('mlp', ds.inputShape, 10, 1);
    const weights = new Map<number, number[][]>();
    const { events, result } = await run(
      model,
      ds,
      { ...base, epochs: 8, learningRate: 3e-3, earlyStopping: { enabled: true, patience: 2 } },
      (log, m) => {
        if (!weights.has(log.epoch)) weights.set(log.epoch, weightsOf(m, ['dense_hidden', 'head_out']));
      },
    );
    const logs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
    const bestEpoch = logs.reduce((a, b) => (b.valLoss < a.valLoss ? b : a)).epoch;
    const stop = events.find((e) => e.type === 'earlyStop');
    expect(stop).toEqual({ type: 'earlyStop', epoch: bestEpoch + 2, bestEpoch });
    expect(logs).toHaveLength(bestEpoch + 2);
    expect(result.state).toBe('done');
    expect(events).toContainEqual(expect.objectContaining({ type: 'restoredBest', epoch: bestEpoch }));
    expect(weightsOf(model, ['dense_hidden', 'head_out'])).toEqual(weights.get(bestEpoch));
    model.dispose();
  });
});

describe('label budgets', () => {
  const ds = sliceSplits(mnist, 2000, 100, 100);
  const perClass = (rows: Int32Array) => {
    const counts = new Array<number>(10).fill(0);
    for (const r of rows) counts[ds.y![r]!]!++;
    return counts;
  };
  it('takes N per class, a fraction of each class, or everything', () => {
    expect(perClass(budgetedRows(ds, { labelBudget: 'perClass', labelsPerClass: 7, labelFraction: 1 }, 1))).toEqual(
      new Array(10).fill(7),
    );
    const all = perClass(ds.split.train);
    const tenth = perClass(budgetedRows(ds, { labelBudget: 'fraction', labelFraction: 0.1, labelsPerClass: 0 }, 1));
    tenth.forEach((n, c) => expect(n).toBe(Math.max(1, Math.round(all[c]! * 0.1))));
    expect(budgetedRows(ds, { labelBudget: 'all', labelFraction: 0.1, labelsPerClass: 7 }, 1)).toBe(ds.split.train);
    // Seeded: the same seed takes the same rows, another seed others.
    const a = budgetedRows(ds, { labelBudget: 'fraction', labelFraction: 0.1, labelsPerClass: 0 }, 1);
    expect(budgetedRows(ds, { labelBudget: 'fraction', labelFraction: 0.1, labelsPerClass: 0 }, 1)).toEqual(a);
    expect(budgetedRows(ds, { labelBudget: 'fraction', labelFraction: 0.1, labelsPerClass: 0 }, 2)).not.toEqual(a);
  });
});
