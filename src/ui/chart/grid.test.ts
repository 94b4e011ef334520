import { describe, expect, it } from 'vitest';
import { gridColumns, gridRows, tickCoordinates } from './grid';

const scale = { map: (v: unknown) => 10 + 2 * Number(v) };

describe('grid lines', () => {
  it('sit at the axis ticks through its scale (its own ticks first, else its nice ticks)', () => {
    expect(tickCoordinates({ niceTicks: [0, 5, 10], scale })).toEqual([10, 20, 30]);
    expect(tickCoordinates({ ticks: [1], niceTicks: [0, 5], scale })).toEqual([12]);
    expect(gridRows({ yAxis: { niceTicks: [0, 1], scale } })).toEqual([10, 12]);
    expect(gridColumns({ xAxis: { niceTicks: [2], scale } })).toEqual([14]);
  });

  it('are absent before the axis has a scale, and skip ticks off the scale', () => {
    expect(tickCoordinates(undefined)).toEqual([]);
    expect(tickCoordinates({ niceTicks: [0, 1] })).toEqual([]);
    expect(tickCoordinates({ niceTicks: [0, 'x'], scale })).toEqual([10]);
  });
});
