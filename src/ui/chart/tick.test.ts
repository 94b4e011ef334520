import { describe, expect, it } from 'vitest';
import { tickText } from './tick';

describe('axis tick labels', () => {
  it("show the value through the axis's formatter, with the tick's index", () => {
    const seen: unknown[] = [];
    const tickFormatter = (v: number, i: number) => {
      seen.push([v, i]);
      return `${Math.round(v * 100)}%`;
    };
    expect(tickText({ payload: { value: 0.25 }, index: 3, tickFormatter })).toBe('25%');
    expect(seen).toEqual([[0.25, 3]]);
  });

  it('show the plain value without one', () => {
    expect(tickText({ payload: { value: 120 } })).toBe('120');
    expect(tickText({})).toBe('');
  });
});
