// Decodes images in the worker (createImageBitmap + OffscreenCanvas): centre-cropped to a square,
// resized, grayscale or RGB, into one uint8 array. Files that fail to decode are skipped and named.
// Several decodes are in flight at once (they run off this thread); the canvas reads them back one
// by one in the files' order, so the output does not depend on timing.
// PNGs go through WebCodecs' ImageDecoder, then createImageBitmap of its frame: no Blob to register
// per image, about ten times the images per second of createImageBitmap(Blob) for small files
// (scripts/bench/images.mjs), and the same pixels (checked bit for bit on 8- and 16-bit, grey,
// palette, alpha and gAMA PNGs, cropped and resized, down- and upscaled). Other formats, browsers
// without ImageDecoder, and any PNG it refuses take createImageBitmap(Blob) as before. (A frame
// drawn directly, without the bitmap, resamples differently when shrunk over 2x; JPEG and WebP
// frames differ too: they stay on the Blob path.)
import type { DecodedImages } from '../../engine/data/images/build';
import type { ImageEntry } from '../../engine/data/images/files';
import { LIMITS } from '../../engine/data/errors';
import type { ImageOptions } from '../../shared/types/datasets';

const MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  bmp: 'image/bmp',
};

/** Decodes started ahead of the one being read back (measured in scripts/bench/images.mjs). */
export const DECODES_IN_FLIGHT = 8;
/**
 * Files above this size are decoded one at a time: a decoded photo of 24 megapixels is ~96 MB,
 * and eight of them in flight would hold most of a gigabyte.
 */
export const BIG_IMAGE_BYTES = 2 * 1024 * 1024;

const byteSize = (e: ImageEntry) => (e.data instanceof Blob ? e.data.size : (e.data as Uint8Array).byteLength);

/** Progress: the fraction done, and the images done out of all. */
export type DecodeProgress = (fraction: number, done: number, total: number) => void;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

async function decodePng(bytes: Uint8Array): Promise<ImageBitmap> {
  const decoder = new ImageDecoder({ data: bytes as Uint8Array<ArrayBuffer>, type: 'image/png' });
  // Closing the decoder rejects these; nobody else waits on them.
  decoder.completed.catch(() => undefined);
  decoder.tracks.ready.catch(() => undefined);
  try {
    const { image } = await decoder.decode();
    try {
      return await createImageBitmap(image);
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}

function viaBlob(entry: ImageEntry): Promise<ImageBitmap | null> {
  try {
    const ext = entry.path.toLowerCase().split('.').pop() ?? '';
    const blob =
      entry.data instanceof Blob ? entry.data : new Blob([entry.data as BlobPart], { type: MIME[ext] ?? '' });
    return createImageBitmap(blob).catch(() => null);
  } catch {
    return Promise.resolve(null);
  }
}

/** One image as a bitmap, or null when it cannot be decoded. */
function decode(entry: ImageEntry, usePngDecoder: boolean): Promise<ImageBitmap | null> {
  if (usePngDecoder && entry.data instanceof Uint8Array && isPng(entry.data))
    return decodePng(entry.data).catch(() => viaBlob(entry));
  return viaBlob(entry);
}

export async function decodeImages(
  name: string,
  entries: ImageEntry[],
  options: ImageOptions,
  onProgress?: DecodeProgress,
  /** Checked before every image: a superseded load stops there, rejecting with the signal's reason. */
  signal?: AbortSignal,
  inFlight = DECODES_IN_FLIGHT,
  /** WebCodecs' ImageDecoder for PNGs where the browser has it (secure contexts); false: every image
   * through createImageBitmap(Blob) (the bench's comparison). */
  usePngDecoder = typeof ImageDecoder !== 'undefined',
): Promise<DecodedImages> {
  const size = options.size;
  const channels = options.color === 'rgb' ? 3 : 1;
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('This browser cannot draw images in a worker (no OffscreenCanvas 2D context).');
  const usable = entries.slice(0, LIMITS.images);
  const pixels = new Uint8Array(usable.length * size * size * channels);
  const labels: (string | null)[] = [];
  const skipped: string[] =
    entries.length > LIMITS.images
      ? [`${entries.length - LIMITS.images} images over the limit of ${LIMITS.images}`]
      : [];
  const area = size * size;
  // pending[i % ahead] holds the decode of image i, started `ahead` images ahead of its read-back.
  const ahead = usable.some((e) => byteSize(e) > BIG_IMAGE_BYTES) ? 1 : Math.min(Math.max(1, inFlight), usable.length);
  const pending: Promise<ImageBitmap | null>[] = [];
  for (let i = 0; i < ahead; i++) pending.push(decode(usable[i]!, usePngDecoder));
  let count = 0;
  try {
    for (let i = 0; i < usable.length; i++) {
      signal?.throwIfAborted();
      const entry = usable[i]!;
      const bitmap = await pending[i % ahead]!;
      if (i + ahead < usable.length) pending[i % ahead] = decode(usable[i + ahead]!, usePngDecoder);
      let rgba: Uint8ClampedArray | null = null;
      if (bitmap) {
        try {
          const side = Math.min(bitmap.width, bitmap.height);
          ctx.clearRect(0, 0, size, size);
          ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, size, size);
          rgba = ctx.getImageData(0, 0, size, size).data;
        } catch {
          rgba = null; // drawn or read back it was not: skipped below, like a file that does not decode
        } finally {
          bitmap.close();
        }
      }
      if (rgba) {
        const out = pixels.subarray(count * area * channels, (count + 1) * area * channels);
        if (channels === 1)
          for (let p = 0, q = 0; p < area; p++, q += 4)
            out[p] = Math.round(0.299 * rgba[q]! + 0.587 * rgba[q + 1]! + 0.114 * rgba[q + 2]!);
        else
          for (let p = 0, q = 0; p < area * 3; p += 3, q += 4) {
            out[p] = rgba[q]!;
            out[p + 1] = rgba[q + 1]!;
            out[p + 2] = rgba[q + 2]!;
          }
        labels.push(entry.label);
        count++;
      } else skipped.push(`${entry.path} (could not be decoded as an image)`);
      if (i % 32 === 0) onProgress?.((i + 1) / usable.length, i + 1, usable.length);
    }
  } finally {
    // Stopped early (superseded): the decodes still in flight are closed as they land.
    for (const p of pending) void p.then((b) => b?.close());
  }
  signal?.throwIfAborted();
  onProgress?.(1, usable.length, usable.length);
  return { name, options, pixels: pixels.slice(0, count * area * channels), count, labels, skipped };
}
