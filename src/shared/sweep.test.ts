import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './defaults';
import {
  defaultSweepEncoder,
  parseBudgets,
  planSweep,
  sweepEta,
  sweepPoints,
  sweepProblem,
  sweepRows,
  sweepRunConfig,
} from './sweep';
import type { CheckpointInfo } from './types/models';
import type { SweepResult } from './types/sweep';
import type { TrainConfig } from './types/training';

describe("the sweep's plan", () => {
  it('is budgets x arms x seeds, budget by budget, scratch then the encoder per seed', () => {
    const plan = planSweep({ budgets: [10, 100, 'all'], seeds: 3, encoderId: 'enc-e2' }, 5);
    expect(plan).toHaveLength(3 * 2 * 3);
    expect(plan.map((p) => p.index)).toEqual([...Array(18).keys()]);
    expect(plan.slice(0, 4).map(({ budget, arm, seed }) => [budget, arm, seed])).toEqual([
      [10, 'scratch', 5],
      [10, 'pretrained', 5],
      [10, 'scratch', 6],
      [10, 'pretrained', 6],
    ]);
    // Every combination exactly once.
    const keys = new Set(plan.map((p) => `${p.budget}/${p.arm}/${p.seed}`));
    expect(keys.size).toBe(18);
    for (const b of [10, 100, 'all'])
      for (const arm of ['scratch', 'pretrained'])
        for (const seed of [5, 6, 7]) expect(keys.has(`${b}/${arm}/${seed}`)).toBe(true);
  });

  it('has only the scratch arm without an encoder', () => {
    const plan = planSweep({ budgets: [10, 'all'], seeds: 2, encoderId: null }, 1);
    expect(plan.map(({ budget, arm, seed }) => [budget, arm, seed])).toEqual([
      [10, 'scratch', 1],
      [10, 'scratch', 2],
      ['all', 'scratch', 1],
      ['all', 'scratch', 2],
    ]);
  });

  it("gives each run its budget, seed and start point, keeping the rest of the user's settings", () => {
    const base = { ...DEFAULT_CONFIG, epochs: 7, learningRate: 0.01, stage: 'pretrain' as const };
    const data = { task: 'classification' as const, trainRows: 105 };
    const [scratch, pretrained] = planSweep({ budgets: [10], seeds: 1, encoderId: 'enc' }, 3);
    const a = sweepRunConfig(base, scratch!, 'enc', data);
    expect(a).toMatchObject({ stage: 'finetune', labelBudget: 'perClass', labelsPerClass: 10, seed: 3 });
    // Scratch is the encoder's own network with random weights; the other arm starts from its weights.
    expect(a).toMatchObject({ initFrom: 'enc', encoderInit: 'random', epochs: 7, learningRate: 0.01 });
    expect(a).toMatchObject({ checkpointEvery: 7, keepLast: 1 });
    expect(sweepRunConfig(base, pretrained!, 'enc', data)).toMatchObject({
      initFrom: 'enc',
      encoderInit: 'pretrained',
    });
    const all = sweepRunConfig(base, { index: 0, budget: 'all', arm: 'scratch', seed: 1 }, null, data);
    expect(all.labelBudget).toBe('all');
    // Regression: N rows as a fraction of the training rows.
    const reg = { task: 'regression' as const, trainRows: 200 };
    expect(sweepRunConfig(base, scratch!, null, reg)).toMatchObject({ labelBudget: 'fraction', labelFraction: 0.05 });
    expect(sweepRunConfig(base, { ...scratch!, budget: 500 }, null, reg).labelBudget).toBe('all');
  });

  it('gains the semi-supervised arms when asked: after the supervised ones, from the encoder too; with every label only where rows have none', () => {
    const settings = { budgets: [10, 'all'] as const, seeds: 1, encoderId: 'enc', semiSupervised: true };
    const arms = (unlabeled: number) =>
      planSweep({ ...settings, budgets: [...settings.budgets] }, 1, unlabeled).map((p) => `${p.budget}/${p.arm}`);
    expect(arms(0)).toEqual([
      '10/scratch',
      '10/pretrained',
      '10/semi-scratch',
      '10/semi-pretrained',
      'all/scratch',
      'all/pretrained',
    ]);
    expect(arms(40)).toContain('all/semi-pretrained');
    expect(planSweep({ budgets: [10], seeds: 2, encoderId: null, semiSupervised: true }, 1).map((p) => p.arm)).toEqual([
      'scratch',
      'semi-scratch',
      'scratch',
      'semi-scratch',
    ]);
    expect(sweepProblem({ budgets: [10, 100, 1000], seeds: 20, encoderId: 'e', semiSupervised: true })).toMatch(
      /240 runs/,
    );
    expect(sweepProblem({ budgets: [10, 100, 1000], seeds: 20, encoderId: 'e' })).toBeNull();
  });

  it("runs the supervised arms supervised and the semi arms by FixMatch with the page's fields for it", () => {
    const semiBase = {
      ...DEFAULT_CONFIG,
      method: { id: 'semi-supervised' as const, threshold: 0.9, ratio: 3, weight: 2 },
    };
    const data = { task: 'classification' as const, trainRows: 105 };
    const run = (arm: 'scratch' | 'semi-scratch' | 'semi-pretrained', base: TrainConfig = semiBase) =>
      sweepRunConfig(base, { index: 0, budget: 10, arm, seed: 1 }, 'enc', data);
    expect(run('scratch').method).toEqual({ id: 'supervised' });
    expect(run('semi-scratch')).toMatchObject({ method: semiBase.method, encoderInit: 'random' });
    expect(run('semi-pretrained')).toMatchObject({ method: semiBase.method, encoderInit: 'pretrained' });
    // A supervised page: the semi arms take the method's defaults.
    expect(run('semi-scratch', DEFAULT_CONFIG).method).toEqual({
      id: 'semi-supervised',
      threshold: 0.95,
      ratio: 7,
      weight: 1,
    });
  });

  it('reads budgets as typed and refuses what is not one', () => {
    expect(parseBudgets('10, 100, all')).toEqual([10, 100, 'all']);
    expect(parseBudgets('all 100 10 10')).toEqual([10, 100, 'all']);
    expect(parseBudgets('ALL')).toEqual(['all']);
    for (const bad of ['', '0', '10, x', '1.5', '-3']) expect(parseBudgets(bad)).toBeNull();
    expect(sweepProblem({ budgets: [10], seeds: 0, encoderId: null })).toMatch(/Seeds/);
    expect(sweepProblem({ budgets: [], seeds: 3, encoderId: null })).toMatch(/budgets/);
    expect(sweepProblem({ budgets: [10, 'all'], seeds: 3, encoderId: 'e' })).toBeNull();
  });
});

describe("the sweep's summary", () => {
  const r = (budget: SweepResult['budget'], arm: SweepResult['arm'], metric: number | null, x = 10): SweepResult => ({
    index: 0,
    budget,
    arm,
    seed: 1,
    metric,
    trainRows: x * 3,
    x,
    seconds: 2,
    runKey: 'k',
    state: metric === null ? 'error' : 'done',
  });

  it('gives mean and range per arm and budget, and pretrained − scratch per budget', () => {
    const results = [
      r(10, 'scratch', 0.5),
      r(10, 'scratch', 0.7),
      r(10, 'pretrained', 0.8),
      r(10, 'pretrained', null),
      r('all', 'scratch', 0.9, 35),
    ];
    const points = sweepPoints(results, [10, 'all']);
    expect(points).toHaveLength(3);
    expect(points[0]).toMatchObject({ budget: 10, arm: 'scratch', x: 10, min: 0.5, max: 0.7, runs: 2 });
    expect(points[0]!.mean).toBeCloseTo(0.6, 10);
    expect(points[1]).toMatchObject({ arm: 'pretrained', mean: 0.8, runs: 1 });
    const rows = sweepRows(points, [10, 'all']);
    expect(rows.map((row) => row.budget)).toEqual([10, 'all']);
    expect(rows[0]!.diff).toBeCloseTo(0.2, 10);
    expect(rows[1]).toMatchObject({ x: 35, diff: null, pretrained: null });
    expect(rows[0]).toMatchObject({ semiScratch: null, semiPretrained: null });
  });

  it('puts the semi-supervised arms in their own columns of the budget row', () => {
    const results = [
      r(10, 'scratch', 0.6),
      r(10, 'semi-scratch', 0.85),
      r(10, 'semi-pretrained', 0.9),
      r(100, 'semi-scratch', 0.95, 100),
    ];
    const rows = sweepRows(sweepPoints(results, [10, 100]), [10, 100]);
    expect(rows[0]).toMatchObject({
      scratch: { mean: 0.6 },
      semiScratch: { mean: 0.85 },
      semiPretrained: { mean: 0.9 },
      diff: null,
    });
    // A budget with only a semi arm finished is a row too.
    expect(rows[1]).toMatchObject({ budget: 100, x: 100, scratch: null, semiScratch: { mean: 0.95 } });
  });

  it('estimates the time left from the mean run time', () => {
    expect(sweepEta([], 4, 0)).toBeNull();
    expect(sweepEta([r(10, 'scratch', 0.5)], 4, 0)).toBe(6);
    expect(sweepEta([r(10, 'scratch', 0.5)], 4, 1)).toBe(5);
    expect(sweepEta([r(10, 'scratch', 0.5)], 1, 0)).toBe(0);
  });
});

describe('the encoder a sweep compares with by default', () => {
  const c = (id: string, runKey: string, createdAt: number, tags: CheckpointInfo['tags'] = []) =>
    ({ id, runKey, createdAt, tags }) as unknown as CheckpointInfo;
  it("is the newest pretraining run's best-probe checkpoint, else its best, else its newest", () => {
    const old = c('old', 'a', 1, ['bestProbe']);
    expect(defaultSweepEncoder([old, c('e1', 'b', 2, ['bestProbe']), c('e2', 'b', 3, ['best'])])!.id).toBe('e1');
    expect(defaultSweepEncoder([old, c('e1', 'b', 2, ['best']), c('e2', 'b', 3)])!.id).toBe('e1');
    expect(defaultSweepEncoder([old, c('e1', 'b', 2), c('e2', 'b', 3)])!.id).toBe('e2');
    expect(defaultSweepEncoder([])).toBeNull();
  });
});
