import { describe, expect, it } from 'vitest';
import { describeThreads, requestedThreads, wasmThreadCap } from './wasmThreads';

describe('WASM threads', () => {
  it('takes the count the page put in the worker name, else leaves it to tfjs', () => {
    expect(requestedThreads('studio threads=3')).toBe(3);
    expect(requestedThreads('studio')).toBeNull();
    expect(requestedThreads('studio threads=0')).toBeNull();
    expect(requestedThreads('studio threads=999')).toBe(8);
  });

  it("knows tfjs-backend-wasm's cap: half the logical cores, at most 8", () => {
    expect([1, 2, 3, 4, 8, 16, 32].map(wasmThreadCap)).toEqual([1, 1, 1, 2, 4, 8, 8]);
  });

  it('says how many threads run, and why only one when the page is not isolated', () => {
    expect(describeThreads(true, 2, 4).note).toBe(
      'WASM runs 2 threads (tfjs-backend-wasm uses at most half of the 4 logical cores, and 8 at most).',
    );
    expect(describeThreads(false, 1, 4).note).toMatch(/not cross-origin isolated .*Cross-Origin-Opener-Policy/);
  });
});
