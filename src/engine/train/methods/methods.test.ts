// The fine-tuning method registry: what every entry promises, and a new method added as one module.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { METHODS, type FinetuneMethod, type MethodInfo, type MethodSettings } from '../../../shared/methods';
import { collect, loadMnist, sliceSplits } from '../../../test/fixtures';
import { buildModel } from '../../models/build';
import { batchLoss, batchTensors } from '../batches';
import { RunControl } from '../control';
import { trainWithLabels } from '../loop';
import { setLearningRate } from '../optimizers';
import { FINETUNE_METHODS } from './index';
import type { FinetuneMethodModule } from './method';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A toy method, as a new module would be: supervised steps on half of each batch, with its own field. */
const toyInfo: MethodInfo<'toy', { share: number }> = {
  id: 'toy',
  label: 'Toy (half batches)',
  fields: {
    share: { kind: 'number', label: 'Share of the batch', testId: 'toy-share', default: 0.5, min: 0.1, max: 1 },
  },
};

const toy: FinetuneMethodModule = {
  info: toyInfo as unknown as FinetuneMethodModule['info'],
  series: ['loss', 'rows used'],
  step:
    ({ model, ds, cfg, phase, rate }) =>
    (rows, start, end, step) => {
      const { share } = cfg.method as unknown as { share: number };
      const used = Math.max(1, Math.round((end - start) * share));
      const { xs, ys } = batchTensors(model, ds, rows, start, start + used);
      try {
        setLearningRate(phase.optimizer!, rate(step));
        const loss = phase.optimizer!.minimize(() => batchLoss(model, ds.task, xs, ys, true), true, phase.vars);
        return [loss as tf.Scalar, tf.scalar(used)];
      } finally {
        tf.dispose([xs, ys]);
      }
    },
};

const registry = FINETUNE_METHODS as Record<string, FinetuneMethodModule>;
afterEach(() => {
  delete registry.toy;
});

const toySettings = (share: number) => ({ id: 'toy', share }) as unknown as MethodSettings;

describe('the fine-tuning methods', () => {
  it('each is listed under its id with its declaration and its loss series; the page lists the same ones', () => {
    for (const [id, m] of Object.entries(FINETUNE_METHODS)) {
      expect(m.info).toBe(METHODS[id as FinetuneMethod]);
      expect(m.series.length).toBeGreaterThan(0);
    }
    expect(Object.keys(METHODS).sort()).toEqual(Object.keys(FINETUNE_METHODS).sort());
  });

  it('a new method is one object in the registry: the fine-tuning frame runs its step and series, and frees it', async () => {
    registry.toy = toy;
    const ds = sliceSplits(loadMnist(), 256, 64, 64);
    const model = buildModel('mlp', ds.inputShape, 10, 1);
    const before = tf.memory().numTensors;
    const { events, result } = await collect(
      trainWithLabels(
        model,
        ds,
        { epochs: 2, batchSize: 32, learningRate: 1e-3, seed: 1, readEvery: 4, method: toySettings(0.25) },
        new RunControl(),
      ),
    );
    expect(result).toEqual({ state: 'done', steps: 16 });
    const reads = events.flatMap((e) => (e.type === 'losses' ? [e.losses] : []));
    expect(reads.every((r) => r.length === 2)).toBe(true);
    // Its second series is its own figure: a quarter of each batch of 32.
    expect(new Set(reads.flatMap((r) => r[1]!))).toEqual(new Set([8]));
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("its own settings are checked from its declaration before the first step, by the field's name", async () => {
    registry.toy = toy;
    const ds = sliceSplits(loadMnist(), 64, 16, 16);
    const model = buildModel('mlp', ds.inputShape, 10, 1);
    const run = trainWithLabels(
      model,
      ds,
      { epochs: 1, batchSize: 32, learningRate: 1e-3, seed: 1, readEvery: 1, method: toySettings(2) },
      new RunControl(),
    );
    await expect(run.next()).rejects.toThrow(/^Share of the batch: use a number from 0.1 to 1, such as 0.5\./);
    model.dispose();
  });
});
