import { describe, expect, it } from 'vitest';
import { describeUncaught } from './uncaught';

describe('describeUncaught', () => {
  it('reads the event that was thrown (Emscripten rethrows its pthread worker ErrorEvent)', () => {
    const inner = {
      message: "Uncaught NetworkError: Failed to execute 'importScripts'",
      filename: 'blob:http://127.0.0.1/abc',
      lineno: 1,
      colno: 9,
    };
    const outer = { message: 'Uncaught [object ErrorEvent]', filename: 'studio.worker.js', lineno: 7, error: inner };
    expect(describeUncaught(outer)).toBe(
      "Uncaught NetworkError: Failed to execute 'importScripts' at blob:http://127.0.0.1/abc:1:9",
    );
  });

  it('names an Error and where it was thrown', () => {
    const e = { message: 'Uncaught TypeError: x is undefined', filename: 'w.js', lineno: 3, colno: 4 };
    expect(describeUncaught({ ...e, error: new TypeError('x is undefined') })).toBe(
      'TypeError: x is undefined at w.js:3:4',
    );
  });

  it('falls back to the event message', () => {
    expect(describeUncaught({ message: 'Uncaught 42' })).toBe('Uncaught 42');
    expect(describeUncaught({})).toBe('an unknown error');
  });
});
