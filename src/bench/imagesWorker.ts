/// <reference lib="webworker" />
// Benchmark worker for section 6 (scripts/bench/images.mjs). `plain`: the baseline, fflate's
// unzipSync and one createImageBitmap per image (closed at once), nothing else, sequential;
// `plainWindow`: the same with 16 decodes in flight. `studio`: the studio's own readZipEntries and
// decodeImages (no dataset build), and `profile`: the studio's old per-image steps timed one by
// one (Blob, createImageBitmap, drawImage, getImageData, the grayscale loop), to see where time goes.
import { unzipSync } from 'fflate';
import { isImageName, readZipEntries } from '../engine/data/images/files';
import { decodeImages } from '../worker/data/decodeImages';
import type { ImageOptions } from '../shared/types/datasets';

export type ImagesMode = 'plain' | 'plainWindow' | 'studio' | 'profile';
export interface ImagesRequest {
  file: File;
  mode: ImagesMode;
  options: ImageOptions;
  /** studio: decodes in flight (the studio's default when absent). */
  inFlight?: number;
  /** studio: false sends PNGs through createImageBitmap(Blob) too (the path before section 6). */
  pngDecoder?: boolean;
}
export interface ImagesReply {
  mode: ImagesMode;
  images: number;
  failed: number;
  seconds: number;
  /** Seconds per step (unzip, decode; for `profile` each step of the old per-image path). */
  steps: Record<string, number>;
  /** A checksum of the pixels (studio, profile): the same images decoded the same way agree. */
  checksum?: number;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
const now = () => performance.now();

function unzipImages(bytes: Uint8Array): Uint8Array[] {
  const files = unzipSync(bytes, {
    filter: (f) => isImageName(f.name) && !f.name.split('/').some((p) => p.startsWith('.')),
  });
  return Object.keys(files)
    .sort()
    .map((k) => files[k]!);
}

async function plain(file: File, window: number): Promise<Omit<ImagesReply, 'mode'>> {
  const t0 = now();
  const datas = unzipImages(new Uint8Array(await file.arrayBuffer()));
  const t1 = now();
  let failed = 0;
  let next = 0;
  const lane = async () => {
    while (next < datas.length) {
      const data = datas[next++]!;
      try {
        (await createImageBitmap(new Blob([data as BlobPart], { type: 'image/png' }))).close();
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  const t2 = now();
  return {
    images: datas.length - failed,
    failed,
    seconds: (t2 - t0) / 1000,
    steps: { unzip: (t1 - t0) / 1000, decode: (t2 - t1) / 1000 },
  };
}

function checksum(pixels: Uint8Array): number {
  let h = 0;
  for (let i = 0; i < pixels.length; i++) h = (Math.imul(h, 31) + pixels[i]!) | 0;
  return h >>> 0;
}

async function studio(
  file: File,
  options: ImageOptions,
  inFlight?: number,
  pngDecoder?: boolean,
): Promise<Omit<ImagesReply, 'mode'>> {
  const t0 = now();
  const { entries } = await readZipEntries(file, file.name);
  const t1 = now();
  const decoded = await decodeImages(file.name, entries, options, undefined, undefined, inFlight, pngDecoder);
  const t2 = now();
  return {
    images: decoded.count,
    failed: decoded.skipped.length,
    seconds: (t2 - t0) / 1000,
    steps: { unzip: (t1 - t0) / 1000, decode: (t2 - t1) / 1000 },
    checksum: checksum(decoded.pixels),
  };
}

/** The per-image path decodeImages had before section 6, each step timed. */
async function profile(file: File, options: ImageOptions): Promise<Omit<ImagesReply, 'mode'>> {
  const steps = { unzip: 0, blob: 0, createImageBitmap: 0, drawImage: 0, getImageData: 0, pixelLoop: 0 };
  let t = now();
  const { entries } = await readZipEntries(file, file.name);
  steps.unzip = now() - t;
  const size = options.size;
  const channels = options.color === 'rgb' ? 3 : 1;
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const pixels = new Uint8Array(entries.length * size * size * channels);
  const start = now();
  for (let i = 0; i < entries.length; i++) {
    t = now();
    const blob = new Blob([entries[i]!.data as BlobPart], { type: 'image/png' });
    let t2 = now();
    steps.blob += t2 - t;
    const bitmap = await createImageBitmap(blob);
    t = now();
    steps.createImageBitmap += t - t2;
    const side = Math.min(bitmap.width, bitmap.height);
    ctx.clearRect(0, 0, size, size);
    ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, size, size);
    bitmap.close();
    t2 = now();
    steps.drawImage += t2 - t;
    const rgba = ctx.getImageData(0, 0, size, size).data;
    t = now();
    steps.getImageData += t - t2;
    const out = pixels.subarray(i * size * size * channels, (i + 1) * size * size * channels);
    for (let p = 0; p < size * size; p++) {
      const r = rgba[p * 4]!;
      const g = rgba[p * 4 + 1]!;
      const b = rgba[p * 4 + 2]!;
      if (channels === 1) out[p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      else out.set([r, g, b], p * 3);
    }
    steps.pixelLoop += now() - t;
  }
  const seconds = (now() - start + steps.unzip) / 1000;
  return {
    images: entries.length,
    failed: 0,
    seconds,
    steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, v / 1000])),
    checksum: checksum(pixels),
  };
}

scope.onmessage = async (e: MessageEvent<ImagesRequest>) => {
  const { file, mode, options, inFlight, pngDecoder } = e.data;
  const result =
    mode === 'plain'
      ? await plain(file, 1)
      : mode === 'plainWindow'
        ? await plain(file, 16)
        : mode === 'studio'
          ? await studio(file, options, inFlight, pngDecoder)
          : await profile(file, options);
  scope.postMessage({ mode, ...result } satisfies ImagesReply);
};
