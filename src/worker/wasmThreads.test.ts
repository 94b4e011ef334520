import { describe, expect, it } from 'vitest';
import { describeThreads, requestedThreads, wasmThreadCap } from './wasmThreads';

describe('WASM threads', () => {
  it('takes the count the page put in the worker name, else leaves it to tfjs', () => {
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
    expect(describeThreads(true, 2, 4).note).toBe(
      'WASM runs 2 threads (by default tfjs-backend-wasm uses half of the 4 logical cores, 8 at most; Diagnostics sets it).',
    );
    expect(describeThreads(false, 1, 4).note).toMatch(/not cross-origin isolated .*Cross-Origin-Opener-Policy/);
  });
});
