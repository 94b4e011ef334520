// Test helpers: the real built-in MNIST asset (built by scripts/build-datasets.mjs) and slices.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../engine/data/dataset';
import { parseImageAsset } from '../engine/data/imageAsset';
import { range } from '../engine/data/random';

export function readPublic(file: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../../public/data/${file}`, import.meta.url)));
}

export function loadMnist(): Dataset {
  const buf = readPublic('mnist.bin');
  return parseImageAsset(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
}

/** The same dataset with small train/val/test parts (the first rows of each part). */
export function sliceSplits(ds: Dataset, train: number, val: number, test: number): Dataset {
  const t = ds.split.train.length;
  const v = ds.split.val.length;
  return { ...ds, split: { train: range(0, train), val: range(t, t + val), test: range(t + v, t + v + test) } };
}

/** Runs a generator to its end: its events (each also passed to `onEvent`) and its result. */
export async function collect<E, R>(
  gen: AsyncGenerator<E, R>,
  onEvent?: (e: E) => void,
): Promise<{ events: E[]; result: R }> {
  const events: E[] = [];
  let next = await gen.next();
  while (!next.done) {
    events.push(next.value);
    onEvent?.(next.value);
    next = await gen.next();
  }
  return { events, result: next.value };
}
