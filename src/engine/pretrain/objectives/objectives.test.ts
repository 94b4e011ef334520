// The objective registry: what every entry promises, and a new objective added as one module.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, sliceSplits } from '../../../test/fixtures';
import { OBJECTIVES, objectivesFor, type ObjectiveSettings, type PretrainObjective } from '../../../shared/objectives';
import { checkFields } from '../../../shared/fields';
import { toyInfo } from '../../../test/toyObjective';
import { RunControl } from '../../train/control';
import { trainableVariables } from '../../train/loop';
import { pretrain, type PretrainEvent, type PretrainResult } from '../pretrain';
import { configuredEncoder, encoderKernels, inputs } from './common';
import { PRETRAIN_METHODS } from './index';
import type { PretrainMethod } from './method';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * A toy objective, as a new module would be: its declaration (src/test/toyObjective.ts, what the
 * page and the settings read) and this method are all it needs. The encoder learns to output codes
 * of `target` (the mean squared distance to it), with a held-out figure and no pictures.
 */
const toy: PretrainMethod = {
  info: toyInfo as unknown as PretrainMethod['info'],
  series: ['distance to target'],
  validate: (cfg, refuse) => {
    if (cfg.batchSize > 64) refuse('Batch size', 'the toy objective takes at most 64.');
  },
  build: (ds, cfg) =>
    configuredEncoder(ds, cfg, ({ encoder, shape, shown, rate }) => {
      const { target } = cfg.objective as unknown as { target: number };
      const opt = tf.train.adam(cfg.learningRate);
      const size = (x: tf.Tensor) =>
        tf.mean(tf.square(tf.sub(encoder.apply(x, { training: true }) as tf.Tensor, target))) as tf.Scalar;
      return {
        step: (rows, start, end, step) => {
          rate(step, opt);
          const x = inputs(ds, shape, rows, start, end);
          const loss = opt.minimize(() => size(x), true, trainableVariables(encoder)) as tf.Scalar;
          x.dispose();
          return [loss];
        },
        heldOut: async () => {
          const x = inputs(ds, shape, shown, 0, shown.length);
          const held = tf.tidy(() => size(x));
          const valLoss = (await held.data())[0]!;
          tf.dispose([x, held]);
          return { valLoss, valAccuracy: NaN, loss: valLoss };
        },
        pictures: async () => ({}),
        dispose: () => opt.dispose(),
      };
    }),
  checkSize: () => undefined,
  kernels: encoderKernels,
  measure: async () => 1,
};

const toySettings = (target: number) => ({ id: 'toy', target }) as unknown as ObjectiveSettings;

const registry = PRETRAIN_METHODS as Record<string, PretrainMethod>;
afterEach(() => {
  delete registry.toy;
});

describe('the pretraining objectives', () => {
  it('each is listed under its id, with its loss series, and the page lists the same ones; text has one', () => {
    for (const [id, m] of Object.entries(PRETRAIN_METHODS)) {
      expect(m.info).toBe(OBJECTIVES[id as PretrainObjective]);
      expect(m.series.length).toBeGreaterThan(0);
    }
    expect(Object.keys(OBJECTIVES).sort()).toEqual(Object.keys(PRETRAIN_METHODS).sort());
    expect(objectivesFor(true)).toEqual(['mlm']);
    expect(objectivesFor(false)).toEqual(['autoencoder', 'denoising', 'gan', 'contrastive']);
  });

  it('a new objective is one object in the registry: pretrain() runs it, probes, checkpoints and frees it', async () => {
    registry.toy = toy;
    const ds = sliceSplits(loadMnist(), 256, 64, 64);
    const before = tf.memory().numTensors;
    const saved: number[] = [];
    const gen = pretrain(
      ds,
      {
        objective: toySettings(1),
        encoder: { kind: 'dense', widths: [16] },
        epochs: 3,
        batchSize: 32,
        seed: 1,
        readEvery: 2,
        learningRate: 0.001,
      },
      new RunControl(),
      async (log) => {
        saved.push(log.epoch);
      },
    );
    const events: PretrainEvent[] = [];
    let next = await gen.next();
    while (!next.done) {
      events.push(next.value);
      next = await gen.next();
    }
    const result = next.value as PretrainResult;
    const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(saved).toEqual([1, 2, 3]);
    // Its held-out figure is the epoch's validation loss and falls; the probe comes with every epoch.
    expect(epochs[2]!.valLoss).toBeLessThan(epochs[0]!.valLoss);
    expect(epochs.every((e) => e.probe && Number.isFinite(e.probe.linear))).toBe(true);
    expect(result.loss).toBe(epochs[2]!.valLoss);
    const snapshots = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
    expect(snapshots.map((s) => s.embedding?.x.length)).toEqual([64, 64, 64]);
    // Only the encoder is left: its kernel and bias.
    expect(tf.memory().numTensors - before).toBe(2);
    result.encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("its own settings are checked from its declaration, and its other needs by its method, by the field's name", async () => {
    registry.toy = toy;
    const refuse = (field: string, why: string): never => {
      throw new Error(`${field}: ${why}`);
    };
    expect(() => checkFields(toyInfo.fields, { target: 12 }, refuse)).toThrow(
      /^Target code: use a number from -10 to 10, such as 1\./,
    );
    expect(() => checkFields(toyInfo.fields, { target: -3 }, refuse)).not.toThrow();
    expect(() => registry.toy!.validate!({ ...baseSettings, batchSize: 128 }, refuse)).toThrow(
      /^Batch size: the toy objective takes at most 64/,
    );
    // pretrain() checks the fields before it builds anything.
    const ds = sliceSplits(loadMnist(), 64, 16, 16);
    const before = tf.memory().numTensors;
    await expect(
      pretrain(ds, { ...baseSettings, objective: toySettings(99), readEvery: 1 }, new RunControl()).next(),
    ).rejects.toThrow(/^Target code: use a number from -10 to 10/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

const baseSettings = {
  objective: toySettings(1),
  encoder: { kind: 'dense' as const, widths: [16] },
  epochs: 1,
  batchSize: 32,
  seed: 1,
  learningRate: 0.01,
};
