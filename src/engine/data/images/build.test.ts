import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { classCounts, summarize } from '../dataset';
import { DataError } from '../errors';
import { buildImageDataset } from './build';
import { readZipImages } from './files';

const SIDE = 28;
const options = { size: 28 as const, color: 'grayscale' as const };

/** A zip of "pictures" whose bytes are their id (0..), read as the studio reads it. */
async function readSet(paths: string[]) {
  const zip = zipSync(Object.fromEntries(paths.map((p, id) => [p, new Uint8Array([id])])));
  const { entries } = await readZipImages(new Blob([zip as BlobPart]), 'set.zip');
  return entries;
}

/** Decoding stands in for the browser's: picture `id` is SIDE×SIDE pixels of value id. */
function decode(entries: { path: string; label: string | null; data: Blob | Uint8Array }[]) {
  const ids = entries.map((e) => (e.data as Uint8Array)[0]!);
  const pixels = new Uint8Array(ids.length * SIDE * SIDE);
  ids.forEach((id, k) => pixels.fill(id, k * SIDE * SIDE, (k + 1) * SIDE * SIDE));
  const d = { name: 'set', options, pixels, count: ids.length, labels: entries.map((e) => e.label), skipped: [] };
  return { d, ids };
}

const idOf = (ds: { x: Uint8Array | Float32Array }, row: number) => ds.x[row * SIDE * SIDE]!;

describe('a set of pictures', () => {
  // Two class folders and loose pictures in between (zip order).
  const paths = [
    'set/loose-a.png',
    ...Array.from({ length: 10 }, (_, i) => `set/${i % 2 ? 'cat' : 'dog'}/${i}.png`),
    'set/loose-b.png',
    ...Array.from({ length: 10 }, (_, i) => `set/${i % 2 ? 'cat' : 'dog'}/${10 + i}.png`),
    'set/loose-c.png',
  ];
  const looseIds = [0, 11, 22];

  it('with class folders: the pictures outside them are unlabeled rows, outside every split, y -1', async () => {
    const { d } = decode(await readSet(paths));
    const ds = buildImageDataset(d);
    expect(ds.task).toBe('classification');
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(ds.rows).toBe(23);
    expect(Array.from(ds.unlabeled!, (r) => idOf(ds, r)).sort((a, b) => a - b)).toEqual(looseIds);
    for (const r of ds.unlabeled!) expect(ds.y![r]).toBe(-1);
    const parts = [...ds.split.train, ...ds.split.val, ...ds.split.test];
    expect(parts.length).toBe(20);
    expect(new Set([...parts, ...ds.unlabeled!]).size).toBe(23);
    for (const r of parts) expect(looseIds).not.toContain(idOf(ds, r));
    expect(
      classCounts(
        ds,
        Int32Array.from({ length: ds.rows }, (_, i) => i),
      ),
    ).toEqual([10, 10]);
    expect(classCounts(ds, ds.split.train).reduce((a, b) => a + b, 0)).toBe(ds.split.train.length);
    const summary = summarize(ds);
    expect(summary.classCounts).toEqual([10, 10]);
    expect(summary.unlabeled).toBe(3);
    expect(ds.description).toBe('set: 20 images in 2 classes and 3 unlabeled, 28×28 grayscale');
    expect(ds.preview.kind === 'image' && ds.preview.images.filter((i) => i.label === 'unlabeled').length).toBe(3);
  });

  it('keeps the labelled rows, their order and their split as without the loose pictures', async () => {
    const ds = buildImageDataset(decode(await readSet(paths)).d);
    const filed = buildImageDataset(decode(await readSet(paths.filter((p) => !p.includes('loose')))).d);
    expect(filed.unlabeled).toBeUndefined();
    expect(ds.split).toEqual(filed.split);
    // The zip's ids differ (the loose ones took some), so compare what the rows are: their labels and order.
    expect(Array.from(ds.y!.subarray(0, 20))).toEqual(Array.from(filed.y!));
    expect(Array.from(ds.unlabeled!)).toEqual([20, 21, 22]);
  });

  it('with no class folder: every picture unlabeled, in the splits', async () => {
    const ds = buildImageDataset(decode(await readSet(['a.png', 'b.png', 'c.png', 'd.png', 'e.png'])).d);
    expect(ds.task).toBe('none');
    expect(ds.unlabeled).toBeUndefined();
    expect(ds.y).toBeNull();
    expect(ds.split.train.length + ds.split.val.length + ds.split.test.length).toBe(5);
    expect(ds.description).toBe('set: 5 images, unlabeled, 28×28 grayscale');
    expect(summarize(ds).unlabeled).toBeUndefined();
  });

  it('refuses one class folder, naming the pictures outside it', async () => {
    const one = decode(await readSet(['cat/1.png', 'cat/2.png', 'stray.png'])).d;
    const e = (() => {
      try {
        buildImageDataset(one);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).code).toBe('one-class');
    expect((e as DataError).message).toMatch(/only one class folder \("cat"\) and 1 image outside it/);
  });
});
