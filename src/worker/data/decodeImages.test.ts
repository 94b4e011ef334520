// decodeImages with the browser's decoders faked: several decodes in flight, finishing in any
// order, still give the images in the files' order; failures are skipped and named; a PNG the
// ImageDecoder refuses falls back to createImageBitmap(Blob); a stopped load closes what is in flight.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImageEntry } from '../../engine/data/images/files';
import { BIG_IMAGE_BYTES, decodeImages, isPng } from './decodeImages';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A fake encoded image: a PNG signature (or not), then the grey value every pixel decodes to. */
const file = (value: number, png = true, bad = false): Uint8Array =>
  Uint8Array.from([...(png ? PNG : [1, 2, 3, 4, 5, 6, 7, 8]), value, bad ? 1 : 0]);

interface FakeBitmap {
  width: number;
  height: number;
  value: number;
  closed: boolean;
  close(): void;
}

let made: FakeBitmap[] = [];
const via = { decoder: 0, blob: 0 };
let refuse = new Set<number>();
/** Grey values whose drawing throws (a canvas that cannot take the bitmap). */
let undrawable = new Set<number>();
/** Decodes in flight now, and the most at once. */
const flight = { now: 0, most: 0 };

/** Resolves after a random few milliseconds, so decodes finish out of order. */
const later = <T>(v: () => T) =>
  new Promise<T>((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(v());
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    }, Math.random() * 6),
  );

function bitmap(bytes: Uint8Array): FakeBitmap {
  if (bytes[9]) throw new Error('not an image');
  const b: FakeBitmap = {
    width: 40,
    height: 30,
    value: bytes[8]!,
    closed: false,
    close() {
      this.closed = true;
    },
  };
  made.push(b);
  return b;
}

beforeEach(() => {
  made = [];
  via.decoder = 0;
  via.blob = 0;
  refuse = new Set();
  undrawable = new Set();
  flight.now = flight.most = 0;
  vi.stubGlobal(
    'createImageBitmap',
    async (source: Blob | { bytes: Uint8Array; close(): void }): Promise<FakeBitmap> => {
      if (source instanceof Blob) {
        via.blob++;
        const bytes = new Uint8Array(await source.arrayBuffer());
        return later(() => bitmap(bytes));
      }
      via.decoder++;
      flight.most = Math.max(flight.most, ++flight.now);
      return later(() => {
        flight.now--;
        return bitmap(source.bytes);
      });
    },
  );
  vi.stubGlobal(
    'ImageDecoder',
    class {
      completed = Promise.resolve();
      tracks = { ready: Promise.resolve() };
      constructor(private init: { data: Uint8Array }) {}
      decode() {
        const bytes = this.init.data;
        if (refuse.has(bytes[8]!)) return Promise.reject(new Error('refused'));
        return later(() => ({ image: { bytes, close: () => undefined } }));
      }
      close() {}
    },
  );
  vi.stubGlobal(
    'OffscreenCanvas',
    class {
      private value = 0;
      constructor(
        public width: number,
        public height: number,
      ) {}
      getContext() {
        return {
          clearRect: () => undefined,
          drawImage: (b: FakeBitmap, sx: number, sy: number, sw: number, sh: number) => {
            // Centre crop of the 40x30 picture to 30x30.
            expect([sx, sy, sw, sh]).toEqual([5, 0, 30, 30]);
            expect(b.closed).toBe(false);
            if (undrawable.has(b.value)) throw new Error('cannot draw');
            this.value = b.value;
          },
          getImageData: (_x: number, _y: number, w: number, h: number) => {
            const data = new Uint8ClampedArray(w * h * 4);
            for (let p = 0; p < w * h; p++) data.set([this.value, this.value, 0, 255], p * 4);
            return { data };
          },
        };
      }
    },
  );
});

afterEach(() => vi.unstubAllGlobals());

const entries = (files: Uint8Array[]): ImageEntry[] =>
  files.map((data, i) => ({ path: `set/c${i % 2}/${i}.png`, label: `c${i % 2}`, data }));

describe('decodeImages', () => {
  it('keeps the files order with many decodes in flight; grey and RGB as before', async () => {
    const files = Array.from({ length: 50 }, (_, i) => file(i * 5));
    const progress: [number, number, number][] = [];
    const grey = await decodeImages('set', entries(files), { size: 28, color: 'grayscale' }, (...a) =>
      progress.push(a),
    );
    expect(grey.count).toBe(50);
    expect(grey.labels).toEqual(files.map((_, i) => `c${i % 2}`));
    for (let i = 0; i < 50; i++) {
      const v = i * 5;
      expect(grey.pixels[i * 28 * 28]).toBe(Math.round(0.299 * v + 0.587 * v));
      expect(grey.pixels[i * 28 * 28 + 28 * 28 - 1]).toBe(Math.round(0.299 * v + 0.587 * v));
    }
    expect(progress[0]).toEqual([1 / 50, 1, 50]);
    expect(flight.most).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual([1, 50, 50]);
    expect(via).toEqual({ decoder: 50, blob: 0 });
    expect(made.every((b) => b.closed)).toBe(true);

    const rgb = await decodeImages('set', entries(files.slice(0, 3)), { size: 32, color: 'rgb' });
    expect(Array.from(rgb.pixels.subarray(2 * 32 * 32 * 3, 2 * 32 * 32 * 3 + 6))).toEqual([10, 10, 0, 10, 10, 0]);
  });

  it('skips a picture the canvas cannot draw, closing its bitmap, and goes on', async () => {
    undrawable = new Set([15]);
    const files = Array.from({ length: 6 }, (_, i) => file(i * 5));
    const out = await decodeImages('set', entries(files), { size: 28, color: 'grayscale' });
    expect(out.count).toBe(5);
    expect(out.skipped).toEqual(['set/c1/3.png (could not be decoded as an image)']);
    expect(made.every((b) => b.closed)).toBe(true);
  });

  it('decodes one at a time when a file is big (a photo decodes to ~100 MB)', async () => {
    const files = Array.from({ length: 6 }, (_, i) => file(i * 5));
    const big = new Uint8Array(BIG_IMAGE_BYTES + 1);
    big.set(file(40));
    const out = await decodeImages('set', entries([...files, big]), { size: 28, color: 'grayscale' });
    expect(out.count).toBe(7);
    expect(flight.most).toBe(1);
  });

  it('names the files it cannot decode, falls back to the Blob path, and can do without ImageDecoder', async () => {
    refuse = new Set([20]);
    const files = [file(10), file(20), file(30, false), file(40, true, true), file(50)];
    const out = await decodeImages('set', entries(files), { size: 28, color: 'grayscale' });
    expect(out.count).toBe(4);
    expect(out.skipped).toEqual(['set/c1/3.png (could not be decoded as an image)']);
    expect(Array.from({ length: 4 }, (_, i) => out.pixels[i * 28 * 28])).toEqual(
      [10, 20, 30, 50].map((v) => Math.round(0.299 * v + 0.587 * v)),
    );
    // 10, 40 (which then fails) and 50 through ImageDecoder; 20 refused there, and 30 (no PNG) via Blob;
    // 40 is tried once more through the Blob path before it is named.
    expect(via).toEqual({ decoder: 3, blob: 3 });

    via.decoder = 0;
    via.blob = 0;
    const plain = await decodeImages(
      'set',
      entries(files),
      { size: 28, color: 'grayscale' },
      undefined,
      undefined,
      3,
      false,
    );
    expect(plain.pixels).toEqual(out.pixels);
    expect(via).toEqual({ decoder: 0, blob: 5 });
  });

  it('a stopped load rejects and closes the decodes still in flight', async () => {
    const controller = new AbortController();
    const files = Array.from({ length: 100 }, (_, i) => file(i));
    const run = decodeImages(
      'set',
      entries(files),
      { size: 28, color: 'grayscale' },
      (_f, done) => {
        if (done >= 10) controller.abort(new Error('superseded'));
      },
      controller.signal,
    );
    await expect(run).rejects.toThrow('superseded');
    await new Promise((r) => setTimeout(r, 30));
    expect(made.length).toBeLessThan(50);
    expect(made.every((b) => b.closed)).toBe(true);
  });

  it('isPng reads the signature', () => {
    expect(isPng(file(1))).toBe(true);
    expect(isPng(file(1, false))).toBe(false);
    expect(isPng(Uint8Array.from(PNG))).toBe(false);
  });
});
