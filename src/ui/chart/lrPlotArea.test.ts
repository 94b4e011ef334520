import { describe, expect, it } from 'vitest';
import { LR_PLOT_AREA, nowLeft } from './lrPlotArea';

describe('the learning-rate chart current step', () => {
  it('sits at its share of the plan inside the plot area', () => {
    const { left, right } = LR_PLOT_AREA;
    expect(nowLeft(1, 1, 101)).toBe(`calc(${left}px + (100% - ${left + right}px) * 0.0000)`);
    expect(nowLeft(26, 1, 101)).toBe(`calc(${left}px + (100% - ${left + right}px) * 0.2500)`);
    expect(nowLeft(101, 1, 101)).toContain('* 1.0000)');
  });

  it('stays inside the plot for steps past the plan and one-step plans', () => {
    expect(nowLeft(500, 1, 101)).toContain('* 1.0000)');
    expect(nowLeft(0, 1, 101)).toContain('* 0.0000)');
    expect(nowLeft(1, 1, 1)).toContain('* 0.0000)');
  });
});
