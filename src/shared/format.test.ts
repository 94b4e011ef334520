import { describe, expect, it } from 'vitest';
import { errorMessage, formatBytes } from './format';
import { LIMITS_TEXT, MODEL_LIMITS_TEXT } from './limits';
import { isRunActive } from './runState';
import type { RunState } from './types/results';

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

describe('formatBytes', () => {
  it('uses the largest unit that keeps the number at 1 or more (binary units)', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(KB)).toBe('1.0 KB');
    expect(formatBytes(MB - 1)).toBe('1024 KB'); // rounds, it does not change unit
    expect(formatBytes(MB)).toBe('1.0 MB');
    expect(formatBytes(GB)).toBe('1.0 GB');
    expect(formatBytes(1024 * GB)).toBe('1.0 TB');
  });

  it('has one decimal below 10 of the unit and none from 10', () => {
    expect(formatBytes(1.5 * KB)).toBe('1.5 KB');
    expect(formatBytes(9.94 * MB)).toBe('9.9 MB');
    expect(formatBytes(10 * MB)).toBe('10 MB');
    expect(formatBytes(12.6 * MB)).toBe('13 MB');
    expect(formatBytes(2.04 * GB)).toBe('2.0 GB');
  });

  it('writes "–" for a missing or impossible count', () => {
    expect(formatBytes(null)).toBe('–');
    expect(formatBytes(undefined)).toBe('–');
    expect(formatBytes(Number.NaN)).toBe('–');
    expect(formatBytes(Infinity)).toBe('–');
  });

  it('megabytes: whole megabytes below a gigabyte, gigabytes with one decimal', () => {
    const mb = { precision: 'megabytes' } as const;
    expect(formatBytes(4 * MB, mb)).toBe('4 MB');
    expect(formatBytes(512 * MB, mb)).toBe('512 MB');
    expect(formatBytes(513 * MB, mb)).toBe('513 MB');
    expect(formatBytes(1023.4 * MB, mb)).toBe('1023 MB');
    expect(formatBytes(GB, mb)).toBe('1.0 GB');
    expect(formatBytes(2 ** 31, mb)).toBe('2.0 GB');
    expect(formatBytes(300 * KB, mb)).toBe('0 MB');
  });

  it('round up never understates, and exact values stay exact', () => {
    expect(formatBytes(12.25 * MB, { precision: 'megabytes', round: 'up' })).toBe('13 MB');
    expect(formatBytes(8 * MB, { precision: 'megabytes', round: 'up' })).toBe('8 MB');
    expect(formatBytes(300 * KB, { precision: 'megabytes', round: 'up' })).toBe('1 MB');
    expect(formatBytes(1.1 * GB, { precision: 'megabytes', round: 'up' })).toBe('1.1 GB');
    expect(formatBytes(1.01 * GB, { precision: 'megabytes', round: 'up' })).toBe('1.1 GB');
    expect(formatBytes(1.01 * KB, { round: 'up' })).toBe('1.1 KB');
    expect(formatBytes(1.01 * KB)).toBe('1.0 KB');
  });

  it('states the upload limits as the messages that enforce them cite them', () => {
    expect(LIMITS_TEXT).toBe(
      'Tables up to 512 MB · zips up to 256 MB (1.0 GB unpacked) · images up to 32 MB each, 50,000 in all',
    );
    expect(MODEL_LIMITS_TEXT).toMatch(
      /^A \.zip up to 64 MB \(128 MB unpacked\), or model\.json with its \.bin weights/,
    );
  });
});

describe('errorMessage', () => {
  it("is an Error's message, or anything else as a string", () => {
    expect(errorMessage(new TypeError('bad type'))).toBe('bad type');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});

describe('isRunActive', () => {
  it('is true while a run starts, trains or is paused', () => {
    const states: RunState[] = ['idle', 'starting', 'running', 'paused', 'done', 'stopped', 'error'];
    expect(states.filter(isRunActive)).toEqual(['starting', 'running', 'paused']);
  });
});
