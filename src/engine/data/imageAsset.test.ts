import { describe, expect, it } from 'vitest';
import { loadMnist, readPublic } from '../../test/fixtures';
import { classCounts, gatherBatch } from './dataset';
import { AssetFormatError, parseImageAsset } from './imageAsset';

describe('the built-in MNIST asset', () => {
  const ds = loadMnist();

  it('holds 10,000 real 28x28 digits with a fixed 7000/1000/2000 split', () => {
    expect(ds.rows).toBe(10_000);
    expect(ds.inputShape).toEqual([28, 28, 1]);
    expect(ds.features).toBe(784);
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect([ds.split.train.length, ds.split.val.length, ds.split.test.length]).toEqual([7000, 1000, 2000]);
    expect(readPublic('mnist.bin').length).toBeLessThan(8_000_000); // compact: not the 21 MB JSON
  });

  it('is shuffled: every split holds every digit in a plausible share', () => {
    for (const part of [ds.split.train, ds.split.val, ds.split.test]) {
      for (const n of classCounts(ds, part)) expect(n / part.length).toBeGreaterThan(0.05);
    }
  });

  it('builds float batches scaled to [0, 1] with their labels', () => {
    const { x, y, size } = gatherBatch(ds, ds.split.train, 0, 32);
    expect(size).toBe(32);
    expect(x.length).toBe(32 * 784);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    expect(Math.max(...x)).toBeGreaterThan(0.9); // real strokes, not blank images
    expect(y[0]).toBe(ds.y![ds.split.train[0]!]);
  });

  it('refuses a file that is not an asset, and a truncated one, with a clear reason', () => {
    expect(() => parseImageAsset(new TextEncoder().encode('a,b,c\n1,2,3\n').buffer as ArrayBuffer)).toThrow(
      /bad magic/,
    );
    const buf = readPublic('mnist.bin');
    const cut = buf.buffer.slice(buf.byteOffset, buf.byteOffset + 5000) as ArrayBuffer;
    expect(() => parseImageAsset(cut)).toThrow(AssetFormatError);
    expect(() => parseImageAsset(cut)).toThrow(/expected \d+ bytes/);
  });
});
