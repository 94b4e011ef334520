import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, completeConfig } from './defaults';
import type { TrainConfig } from './types/training';

describe('stored configs of older versions', () => {
  it('keep their label budget: labelsPerClass > 0 meant N per class, 0 meant all', () => {
    const old = { ...DEFAULT_CONFIG, labelsPerClass: 100 } as Partial<TrainConfig>;
    delete old.labelBudget;
    delete old.optimizer;
    expect(completeConfig(old)).toMatchObject({
      labelBudget: 'perClass',
      labelsPerClass: 100,
      optimizer: DEFAULT_CONFIG.optimizer,
    });
    expect(completeConfig({ ...old, labelsPerClass: 0 }).labelBudget).toBe('all');
    expect(completeConfig({ ...DEFAULT_CONFIG, labelBudget: 'fraction' }).labelBudget).toBe('fraction');
  });
});
