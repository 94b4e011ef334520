// Decodes images in the worker (createImageBitmap + OffscreenCanvas): centre-cropped to a square,
// resized, grayscale or RGB, into one uint8 array. Files that fail to decode are skipped and named.
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

export async function decodeImages(
  name: string,
  entries: ImageEntry[],
  options: ImageOptions,
  onProgress?: (fraction: number) => void,
  /** Checked before every image: a superseded load stops there, rejecting with the signal's reason. */
  signal?: AbortSignal,
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
  let count = 0;
  for (let i = 0; i < usable.length; i++) {
    signal?.throwIfAborted();
    const entry = usable[i]!;
    try {
      const ext = entry.path.toLowerCase().split('.').pop() ?? '';
      const blob =
        entry.data instanceof Blob ? entry.data : new Blob([entry.data as BlobPart], { type: MIME[ext] ?? '' });
      const bitmap = await createImageBitmap(blob);
      const side = Math.min(bitmap.width, bitmap.height);
      ctx.clearRect(0, 0, size, size);
      ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, size, size);
      bitmap.close();
      const rgba = ctx.getImageData(0, 0, size, size).data;
      const out = pixels.subarray(count * size * size * channels, (count + 1) * size * size * channels);
      for (let p = 0; p < size * size; p++) {
        const r = rgba[p * 4]!;
        const g = rgba[p * 4 + 1]!;
        const b = rgba[p * 4 + 2]!;
        if (channels === 1) out[p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
        else out.set([r, g, b], p * 3);
      }
      labels.push(entry.label);
      count++;
    } catch {
      skipped.push(`${entry.path} (could not be decoded as an image)`);
    }
    if (i % 32 === 0) onProgress?.(i / usable.length);
  }
  signal?.throwIfAborted();
  return { name, options, pixels: pixels.slice(0, count * size * size * channels), count, labels, skipped };
}
