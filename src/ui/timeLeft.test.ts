import { describe, expect, it } from 'vitest';
import { formatTimeLeft, secondsLeft, timeLeftText } from './timeLeft';

describe('secondsLeft', () => {
  it('extrapolates the rate so far', () => {
    expect(secondsLeft(0.25, 2000)).toBeCloseTo(6);
    expect(secondsLeft(0.5, 10_000)).toBeCloseTo(10);
    expect(secondsLeft(0.9, 9000)).toBeCloseTo(1);
  });

  it('waits for a second of the phase, or 5% of it after a quarter of a second', () => {
    expect(secondsLeft(0.04, 900)).toBeNull();
    expect(secondsLeft(0.04, 1000)).toBeCloseTo(24);
    expect(secondsLeft(0.05, 500)).toBeCloseTo(9.5);
    expect(secondsLeft(0.5, 200)).toBeNull();
  });

  it('gives nothing without progress, when done, or without a time', () => {
    expect(secondsLeft(0, 5000)).toBeNull();
    expect(secondsLeft(1, 5000)).toBeNull();
    expect(secondsLeft(0.5, undefined)).toBeNull();
    expect(secondsLeft(Number.NaN, 5000)).toBeNull();
    expect(secondsLeft(0.5, -1)).toBeNull();
  });
});

describe('formatTimeLeft', () => {
  it('speaks in seconds, minutes or hours', () => {
    expect(formatTimeLeft(0.4)).toBe('less than a second left');
    expect(formatTimeLeft(8.4)).toBe('about 8 s left');
    expect(formatTimeLeft(59.4)).toBe('about 59 s left');
    expect(formatTimeLeft(61)).toBe('about 1 min left');
    expect(formatTimeLeft(170)).toBe('about 3 min left');
    expect(formatTimeLeft(5400)).toBe('about 1.5 h left');
  });

  it('timeLeftText joins both', () => {
    expect(timeLeftText(0.6, 12_000)).toBe('about 8 s left');
    expect(timeLeftText(0.01, 100)).toBeNull();
  });
});
