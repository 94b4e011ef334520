import { describe, expect, it } from 'vitest';
import { describePhases, learningRateAt, scheduleFactor, schedulePlan } from './schedule';
import { DEFAULT_CONFIG } from './defaults';
import type { TrainConfig } from './types/training';

const cfg = (patch: Partial<TrainConfig>): TrainConfig => ({
  ...DEFAULT_CONFIG,
  learningRate: 0.1,
  epochs: 10,
  ...patch,
});
const steps = 4; // per epoch

describe('learning-rate schedules', () => {
  it('is constant by default', () => {
    const c = cfg({});
    expect([0, 7, 39].map((s) => learningRateAt(c, s, steps))).toEqual([0.1, 0.1, 0.1]);
  });

  it('halves every 3 epochs with step decay', () => {
    const c = cfg({ schedule: { ...DEFAULT_CONFIG.schedule, kind: 'step', stepEvery: 3, stepFactor: 0.5 } });
    // epochs 1-3 (steps 0-11): 0.1; epochs 4-6: 0.05; 7-9: 0.025; epoch 10: 0.0125
    expect(learningRateAt(c, 11, steps)).toBeCloseTo(0.1);
    expect(learningRateAt(c, 12, steps)).toBeCloseTo(0.05);
    expect(learningRateAt(c, 24, steps)).toBeCloseTo(0.025);
    expect(learningRateAt(c, 39, steps)).toBeCloseTo(0.0125);
  });

  it('follows half a cosine from the rate to minFactor times it', () => {
    const c = cfg({ schedule: { ...DEFAULT_CONFIG.schedule, kind: 'cosine', minFactor: 0.1 } });
    expect(learningRateAt(c, 0, steps)).toBeCloseTo(0.1);
    // Halfway: (1 + 0.1) / 2 of the rate.
    const mid = 39 / 2;
    expect(scheduleFactor(c, mid, steps)).toBeCloseTo(0.55);
    expect(learningRateAt(c, 39, steps)).toBeCloseTo(0.01);
  });

  it('warms up linearly, then follows the schedule', () => {
    const c = cfg({ schedule: { ...DEFAULT_CONFIG.schedule, kind: 'cosine', warmupEpochs: 1, minFactor: 0 } });
    [0.025, 0.05, 0.075, 0.1].forEach((lr, s) => expect(learningRateAt(c, s, steps)).toBeCloseTo(lr));
    expect(learningRateAt(c, 4, steps)).toBeCloseTo(0.1);
    expect(learningRateAt(c, 39, steps)).toBeCloseTo(0);
  });

  it('multiplies by the unfreezing factor after the head-only epochs', () => {
    const c = cfg({ freeze: { headEpochs: 2, unfreeze: 'all', lastK: 1, lrFactor: 0.1 } });
    expect(learningRateAt(c, 7, steps)).toBeCloseTo(0.1); // epoch 2
    expect(learningRateAt(c, 8, steps)).toBeCloseTo(0.01); // epoch 3
    expect(describePhases(c)).toEqual([
      'Epochs 1–2: the head only (encoder frozen).',
      'Epochs 3–10: every layer, at the learning rate × 0.1.',
    ]);
  });

  it('plans the whole run for the chart, ending at the last step', () => {
    const c = cfg({ schedule: { ...DEFAULT_CONFIG.schedule, kind: 'step', stepEvery: 5, stepFactor: 0.1 } });
    const plan = schedulePlan(c, steps, 10);
    expect(plan[0]).toEqual({ step: 1, lr: 0.1 });
    expect(plan[plan.length - 1]!.step).toBe(40);
    expect(plan[plan.length - 1]!.lr).toBeCloseTo(0.01);
  });
});
