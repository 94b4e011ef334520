import { describe, expect, it } from 'vitest';
import { DEFAULT_WASM_THREADS, describeThreads, requestedThreads, wasmThreadCap } from './wasmThreads';

describe('WASM threads', () => {
  it('takes the count the page put in the worker name, else the default', () => {
    expect(requestedThreads('studio threads=3', 4)).toBe(3);
    expect(requestedThreads('studio', 4)).toBeNull();
    expect(requestedThreads('studio threads=0', 4)).toBeNull();
    // At most the logical cores, and 8 (the workers tfjs's build pre-creates).
    expect(requestedThreads('studio threads=3', 2)).toBe(2);
    expect(requestedThreads('studio threads=999', 32)).toBe(8);
  });

  it("knows tfjs-backend-wasm's cap: half the logical cores, at most 8", () => {
    expect([1, 2, 3, 4, 8, 16, 32].map(wasmThreadCap)).toEqual([1, 1, 1, 2, 4, 8, 8]);
  });

  it('says how many threads run, and why only one when the page is not isolated', () => {
    expect(DEFAULT_WASM_THREADS).toBe(1);
    expect(describeThreads(true, 1, 4, null).note).toMatch(
      /^WASM runs 1 thread: measured faster for training at the default batch size than several .*Diagnostics sets more, up to 4 here .*\.$/,
    );
    expect(describeThreads(true, 2, 4, 2).note).toBe(
      'WASM runs 2 threads, as set in Diagnostics (of 4 logical cores; one, the default, measured faster for training).',
    );
    expect(describeThreads(false, 1, 4, null).note).toMatch(/not cross-origin isolated .*Cross-Origin-Opener-Policy/);
  });
});
