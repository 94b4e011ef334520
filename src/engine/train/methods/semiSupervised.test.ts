// Semi-supervised fine-tuning (FixMatch): its loss by hand, masked rows, held-back labels never
// trained on, the pool and the labelled draw, refusals, and no tensor left behind.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { methodSettings } from '../../../shared/methods';
import type { EpochLog } from '../../../shared/types/results';
import { collect, loadMnist, readPublic, sliceSplits } from '../../../test/fixtures';

const readCsvFile = (file: string) => readPublic(file).toString('utf8');
import type { Dataset } from '../../data/dataset';
import { buildModel } from '../../models/build';
import { RunControl } from '../control';
import { budgetedRows, trainWithLabels, unlabelledPool, type LoopConfig } from '../loop';
import { mulberry32, shuffleInPlace } from '../../data/random';
import { consistencyLoss, labelledBatch } from './semiSupervised';
import { DEFAULT_CONFIG, DEFAULT_TABLE_OPTIONS } from '../../../shared/defaults';
import type { TableOptions } from '../../../shared/types/datasets';
import { buildTableDataset } from '../../data/table/buildTable';
import { readCsv } from '../../data/table/readCsv';
import { readFileSync } from 'node:fs';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A linear softmax model over 2 inputs and 2 classes with set weights. */
function linear(w: number[][], b: number[]): tf.LayersModel {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: 'softmax' })],
  });
  model.setWeights([tf.tensor2d(w), tf.tensor1d(b)]);
  return model;
}

const softmax = (z: number[]) => {
  const e = z.map(Math.exp);
  const s = e[0]! + e[1]!;
  return e.map((v) => v / s);
};

describe('the consistency loss', () => {
  it('is CE(labelled) + weight x the mean over all unlabelled rows of mask x CE(strong, pseudo-label), by hand', () => {
    const model = linear(
      [
        [1, -1],
        [0.5, 2],
      ],
      [0.1, -0.2],
    );
    const logits = ([a, c]: number[]) => [a! * 1 + c! * 0.5 + 0.1, a! * -1 + c! * 2 - 0.2];
    const lx = [
      [1, 0],
      [0, 1],
    ];
    const ly = [0, 1];
    const sx = [
      [2, 1],
      [-1, 0.5],
      [0.3, 0.3],
    ];
    const target = [1, 0, 0];
    const mask = [1, 0, 1];
    const ce = (x: number[], k: number) => -Math.log(softmax(logits(x))[k]!);
    const labelled = (ce(lx[0]!, ly[0]!) + ce(lx[1]!, ly[1]!)) / 2;
    const unlabelled = (ce(sx[0]!, 1) * 1 + 0 + ce(sx[2]!, 0) * 1) / 3;
    const got = tf.tidy(() => {
      const l = consistencyLoss(
        model,
        { xs: tf.tensor2d(lx), ys: tf.oneHot(tf.tensor1d(ly, 'int32'), 2) },
        { strong: tf.tensor2d(sx), target: tf.oneHot(tf.tensor1d(target, 'int32'), 2), mask: tf.tensor1d(mask) },
        0.5,
      );
      return [l.total, l.labelled, l.unlabelled].map((t) => t.dataSync()[0]!);
    });
    expect(got[1]).toBeCloseTo(labelled, 5);
    expect(got[2]).toBeCloseTo(unlabelled, 5);
    expect(got[0]).toBeCloseTo(labelled + 0.5 * unlabelled, 5);
    model.dispose();
  });

  it('a row below the threshold contributes nothing: its strong view can be anything', () => {
    const model = linear(
      [
        [0.3, -0.7],
        [1.1, 0.2],
      ],
      [0, 0],
    );
    const grads = (strongMasked: number[]) =>
      tf.tidy(() => {
        const l = { xs: tf.tensor2d([[1, 2]]), ys: tf.tensor2d([[0, 1]]) };
        const u = {
          strong: tf.tensor2d([[0.5, -0.5], strongMasked]),
          target: tf.tensor2d([
            [1, 0],
            [0, 1],
          ]),
          mask: tf.tensor1d([1, 0]),
        };
        const { grads } = tf.variableGrads(() => consistencyLoss(model, l, u, 1).total);
        return Object.values(grads).map((g) => Array.from(g.dataSync()));
      });
    expect(grads([100, -40])).toEqual(grads([-3, 7]));
    model.dispose();
  });
});

describe('the unlabelled pool and the labelled draw', () => {
  it('the pool is the training rows outside the budget, then the rows without a label', () => {
    const ds = { split: { train: Int32Array.from([0, 1, 2, 3, 4]) }, unlabeled: Int32Array.from([9, 8]) } as Dataset;
    expect(Array.from(unlabelledPool(ds, Int32Array.from([1, 3])))).toEqual([0, 2, 4, 9, 8]);
  });

  it('each pass over the labelled rows takes every row once, in a new order; a step is always the same batch', () => {
    const labelled = Int32Array.from([10, 11, 12, 13, 14, 15, 16]);
    const taken = Array.from({ length: 7 }, (_, s) => Array.from(labelledBatch(labelled, 3, s, 1))).flat();
    expect(taken.slice(0, 7).sort()).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(taken.slice(7, 14).sort()).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(taken.slice(0, 7)).not.toEqual(taken.slice(7, 14));
    expect(Array.from(labelledBatch(labelled, 3, 4, 1))).toEqual(taken.slice(12, 15));
    // Fewer rows than a batch: the batch goes round them.
    expect(labelledBatch(Int32Array.from([5, 6]), 4, 0, 1).filter((r) => r === 5)).toHaveLength(2);
  });
});

const run = (over: Partial<LoopConfig> = {}): LoopConfig => ({
  epochs: 2,
  batchSize: 10,
  learningRate: 0.03,
  optimizer: { kind: 'momentum', momentum: 0.9, beta1: 0.9, beta2: 0.999 },
  seed: 3,
  readEvery: 4,
  labelBudget: 'perClass',
  labelsPerClass: 2,
  method: methodSettings({ id: 'semi-supervised', 'semi-supervised': { ratio: 3, threshold: 0.5 } }),
  ...over,
});

/** A small MLP without dropout (tfjs's dropout is not seeded): two runs of it are the same. */
function seededMlp(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }),
    ],
  });
}

async function fineTune(ds: Dataset, config: LoopConfig) {
  const model = seededMlp();
  const { events, result } = await collect(trainWithLabels(model, ds, config, new RunControl()));
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  model.dispose();
  const logs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
  const losses = events.flatMap((e) => (e.type === 'losses' ? [e.losses] : []));
  return { result, logs, losses, weights };
}

/**
 * Labels of the rows the budget (2 a class, as `run`) holds back, each moved to another class whose
 * quota was already filled before it in the budget's seeded draw (so the same rows are drawn).
 */
function poisonHeldBack(ds: Dataset, seed: number): Int32Array {
  const y = Int32Array.from(ds.y as Int32Array);
  const order = shuffleInPlace(Int32Array.from(ds.split.train), mulberry32(seed * 31 + 17));
  const taken = new Array<number>(10).fill(0);
  const full = new Set<number>();
  for (const r of order) {
    const c = y[r]!;
    if (taken[c]! < 2) {
      if (++taken[c]! === 2) full.add(c);
      continue;
    }
    const other = [...full].find((k) => k !== c);
    if (other !== undefined) y[r] = other;
  }
  expect(Array.from(budgetedRows({ ...ds, y }, BUDGET, seed))).toEqual(Array.from(budgetedRows(ds, BUDGET, seed)));
  return y;
}

const BUDGET = { labelBudget: 'perClass', labelsPerClass: 2, labelFraction: 0 } as const;

describe('semi-supervised fine-tuning', () => {
  const mnist = sliceSplits(loadMnist(), 200, 40, 40);

  it('an epoch is a pass over the pool in batches of ratio x batch; the log has the pseudo-labels; nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const { result, logs, losses } = await fineTune(mnist, run());
    // 20 labelled (2 per class), a pool of 180 in batches of 30: 6 steps an epoch.
    expect(result).toEqual({ state: 'done', steps: 12 });
    expect(logs).toHaveLength(2);
    // The three loss series reach the page; the figures do not.
    expect(losses.every((l) => l.length === 3)).toBe(true);
    for (const log of logs as EpochLog[]) {
      expect(log.pseudoLabels!.maskRate).toBeGreaterThanOrEqual(0);
      expect(log.pseudoLabels!.maskRate).toBeLessThanOrEqual(1);
      // The pool's labels exist (held back by the budget): the pseudo-labels are scored.
      expect(log.pseudoLabels!.accuracy === null || log.pseudoLabels!.accuracy <= 1).toBe(true);
    }
    expect(logs.some((l) => l.pseudoLabels!.maskRate > 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('held-back labels never reach training: poisoned, the run trains the same (only the pseudo-label score moves)', async () => {
    const honest = await fineTune(mnist, run());
    const y = poisonHeldBack(mnist, 3);
    expect(y.filter((v, r) => v !== (mnist.y as Int32Array)[r]).length).toBeGreaterThan(100);
    const poisoned = await fineTune({ ...mnist, y }, run());
    expect(poisoned.losses).toEqual(honest.losses);
    expect(poisoned.weights).toEqual(honest.weights);
    const acc = (r: typeof honest) => r.logs.map((l) => l.pseudoLabels!.accuracy);
    expect(acc(poisoned)).not.toEqual(acc(honest));
  });

  it('a run resumed after its first epoch trains as the uninterrupted one (the same labelled and unlabelled batches)', async () => {
    const sgd = { ...run(), optimizer: { kind: 'sgd' as const, momentum: 0, beta1: 0.9, beta2: 0.999 } };
    const whole = await fineTune(mnist, sgd);
    const model = seededMlp();
    await collect(trainWithLabels(model, mnist, { ...sgd, epochs: 1 }, new RunControl()));
    // The checkpoint's weights go on, from epoch 2 and the steps already done (6 an epoch here).
    await collect(trainWithLabels(model, mnist, { ...sgd, startEpoch: 2, startStep: 6 }, new RunControl()));
    const resumed = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    resumed.forEach((w, i) => w.forEach((v, k) => expect(v).toBeCloseTo(whole.weights[i]![k]!, 5)));
  });

  it('rows without a label join the pool: their pseudo-labels are counted, not scored', async () => {
    // Every training row but the labelled ones moved out of the split, labels gone.
    const labelled = Int32Array.from(mnist.split.train.slice(0, 20));
    const rest = Int32Array.from(mnist.split.train.slice(20));
    const y = Int32Array.from(mnist.y as Int32Array);
    for (const r of rest) y[r] = -1;
    const ds = { ...mnist, y, split: { ...mnist.split, train: labelled }, unlabeled: rest };
    const { result, logs } = await fineTune(ds, run({ labelBudget: 'all' }));
    expect(result.steps).toBe(12);
    expect(logs.every((l) => l.pseudoLabels!.accuracy === null)).toBe(true);
  });

  it('refuses regression, and data with nothing unlabelled, before anything trains', async () => {
    const model = buildModel('mlp', mnist.inputShape, 10, 1);
    const all = trainWithLabels(model, mnist, run({ labelBudget: 'all' }), new RunControl());
    await expect(all.next()).rejects.toThrow(/no unlabelled rows to learn from: set a label budget/);
    const regression = trainWithLabels(
      model,
      { ...mnist, task: 'regression', y: new Float32Array(mnist.rows) },
      run(),
      new RunControl(),
    );
    await expect(regression.next()).rejects.toThrow(/learns classes/);
    model.dispose();
  });
});

describe('semi-supervised fine-tuning of tables and texts', () => {
  const tableOf = async (file: string, label: string, options: Partial<TableOptions> = {}) =>
    buildTableDataset(await readCsv(readCsvFile(file), file, { skipMalformed: false }), {
      ...DEFAULT_TABLE_OPTIONS,
      label,
      ...options,
    });

  it('a table (iris) trains on its weak and strong views; its held-back labels score the pseudo-labels; no leak', async () => {
    const ds = await tableOf('iris.csv', 'species');
    const model = buildModel('mlp', ds.inputShape, 3, 1);
    const before = tf.memory().numTensors;
    const { result, events } = await collect(
      trainWithLabels(model, ds, { ...run({ labelsPerClass: 3, batchSize: 9 }), epochs: 3 }, new RunControl()),
    );
    expect(result.state).toBe('done');
    const logs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
    expect(logs).toHaveLength(3);
    expect(logs.every((l) => l.pseudoLabels !== undefined)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a text column trains the Transformer on masked and shortened texts; no leak', async () => {
    const reviews = readFileSync(new URL('../../../../e2e/fixtures/reviews.csv', import.meta.url), 'utf8');
    const full = buildTableDataset(await readCsv(reviews, 'reviews.csv', { skipMalformed: false }), {
      ...DEFAULT_TABLE_OPTIONS,
      label: 'sentiment',
      text: { ...DEFAULT_TABLE_OPTIONS.text, vocabSize: 300 },
    });
    const ds = sliceSplits(full, 120, 20, 20);
    const p = ds.preprocessing;
    if (p.kind !== 'text') throw new Error('text expected');
    const classes = ds.classNames.length;
    const model = buildModel('transformer', ds.inputShape, classes, 1, undefined, undefined, {
      vocabSize: p.tokenizer.vocab.length,
      spec: { ...DEFAULT_CONFIG.text, width: 16, layers: 1, heads: 2, mlpWidth: 32 },
    });
    const before = tf.memory().numTensors;
    const { result } = await collect(
      trainWithLabels(model, ds, { ...run({ labelsPerClass: 4, batchSize: 8 }), epochs: 1 }, new RunControl()),
    );
    // The pool (120 training texts less 4 a class) in batches of 3 x 8.
    expect(result).toEqual({ state: 'done', steps: Math.ceil((120 - 4 * classes) / 24) });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
