// The learning-rate finder on real training (tfjs cpu): rates per step, the stop once the loss
// blows up, the suggestion, and nothing left behind.
import { objectiveSettings } from '../../shared/objectives';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUGMENT_PRESETS } from '../../shared/augmentation';
import { DEFAULT_CONFIG } from '../../shared/defaults';
import type { LrPoint } from '../../shared/types/results';
import { collect, loadMnist, sliceSplits } from '../../test/fixtures';
import { buildModel } from '../models/build';
import { pretrain } from '../pretrain/pretrain';
import { RunControl } from './control';
import { LR_FINDER, LrSweep, suggestRate, sweepRate } from './lrFinder';
import { trainWithLabels } from './loop';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const mnist = loadMnist();

describe('the sweep', () => {
  it('grows the rate exponentially from 1e-7 to 10', () => {
    expect(sweepRate(0)).toBeCloseTo(1e-7, 12);
    expect(sweepRate(LR_FINDER.steps - 1)).toBeCloseTo(10, 6);
    expect(sweepRate(50, 101)).toBeCloseTo(1e-7 * 1e8 ** 0.5, 6);
  });

  it('suggests a tenth of the rate at the lowest smoothed loss, and nothing when the loss never fell', () => {
    const points = (f: (rate: number) => number): LrPoint[] =>
      Array.from({ length: 60 }, (_, i) => {
        const rate = sweepRate(i, 60);
        return { rate, loss: f(rate), smoothed: f(rate) };
      });
    // A valley at 1e-2: the loss falls towards it, then rises.
    const valley = points((r) => 1 + (Math.log10(r) + 2) ** 2 / 10);
    const lowest = valley.reduce((a, b) => (b.smoothed < a.smoothed ? b : a)).rate;
    expect(suggestRate(valley)).toBeCloseTo(lowest / 10, 4);
    expect(suggestRate(points(() => 2))).toBeNull();
    expect(suggestRate(valley.slice(0, 3))).toBeNull();
  });

  it('stops the run once the smoothed loss passes 4x its lowest, or a loss is not finite', () => {
    const control = new RunControl();
    const sweep = new LrSweep(control, 100);
    sweep.add([1, 2, 3], [2, 1.5, 1]);
    expect(control.isStopped).toBe(false);
    sweep.add([4, 5, 6, 7, 8, 9, 10], [50, 80, 120, 200, 300, 500, 800]);
    expect(control.isStopped).toBe(true);
    expect(sweep.points.length).toBeLessThan(10);
    const nan = new RunControl();
    new LrSweep(nan, 100).add([1, 2], [1, NaN]);
    expect(nan.isStopped).toBe(true);
  });
});

describe('on a network', () => {
  it("fine-tuning: each step's rate is the sweep's, nothing is validated, the loss falls then blows up; no leak", async () => {
    const ds = sliceSplits(mnist, 640, 64, 64);
    const before = tf.memory().numTensors;
    const model = buildModel('mlp', ds.inputShape, 10, 2);
    const steps = 60;
    const control = new RunControl();
    const sweep = new LrSweep(control, steps);
    const rated: number[] = [];
    const { events } = await collect(
      trainWithLabels(
        model,
        ds,
        {
          ...DEFAULT_CONFIG,
          epochs: 4, // 80 steps: the sweep stops it
          batchSize: 32,
          readEvery: 1,
          earlyStopping: { enabled: true, patience: 1 },
          rateAt: (step) => {
            rated.push(step);
            return sweepRate(step, steps);
          },
          quiet: true,
        },
        control,
        { afterEpoch: () => Promise.reject(new Error('nothing is saved during a sweep')) },
      ),
      (e) => {
        if (e.type === 'losses') sweep.add(e.steps, e.losses[0]!);
      },
    );
    expect(events.some((e) => e.type === 'epoch' || e.type === 'earlyStop')).toBe(false);
    expect(rated.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    // The blow-up ended it (the sweep's stop, or the runner's divergence bound) before its 80 steps.
    expect(control.isStopped || events.some((e) => e.type === 'diverged')).toBe(true);
    const { points, suggestion } = sweep.finding;
    expect(points.length).toBeGreaterThan(30);
    expect(points.length).toBeLessThanOrEqual(steps);
    // It learned somewhere in the sweep, and the suggestion is a rate Adam trains with.
    expect(Math.min(...points.map((p) => p.smoothed))).toBeLessThan(points[0]!.loss * 0.9);
    expect(suggestion).toBeGreaterThan(1e-5);
    expect(suggestion).toBeLessThan(1);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pretraining (the autoencoder): the sweep sets its optimizer every step and skips every epoch end', async () => {
    const ds = sliceSplits(mnist, 320, 64, 64);
    const control = new RunControl();
    const sweep = new LrSweep(control, 40);
    const { events, result } = await collect(
      pretrain(
        ds,
        {
          ...DEFAULT_CONFIG,
          objective: objectiveSettings('autoencoder'),
          epochs: 5,
          batchSize: 32,
          readEvery: 1,
          augmentation: AUGMENT_PRESETS.off,
          rateAt: (step) => sweepRate(step, 40),
          quiet: true,
        },
        control,
        () => Promise.reject(new Error('nothing is saved during a sweep')),
      ),
      (e) => {
        if (e.type === 'losses') sweep.add(e.steps, e.losses[0]!);
      },
    );
    result.encoder.dispose();
    expect(events.filter((e) => e.type === 'epoch' || e.type === 'snapshot')).toEqual([]);
    expect(sweep.points.length).toBeGreaterThan(10);
    expect(sweep.points[1]!.rate).toBeCloseTo(sweepRate(1, 40), 12);
  });
});
