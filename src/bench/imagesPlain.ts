// Bench baseline for section 6 (scripts/bench/images.mjs): window.decodeImagesPlain runs one mode
// of src/bench/imagesWorker.ts (plain createImageBitmap decoding, or the studio's own decoding) on
// the zip chosen in #images, in a fresh worker. The file input is added here (bench.html has none).
import type { ImageOptions } from '../shared/types/datasets';
import type { ImagesMode, ImagesReply } from './imagesWorker';

const input = document.createElement('input');
input.id = 'images';
input.type = 'file';
document.body.prepend(input);

/** One mode over the zip in #images; the time includes starting the worker and handing it the file. */
function decodeImagesPlain(
  mode: ImagesMode = 'plain',
  options: ImageOptions = { size: 28, color: 'grayscale' },
  inFlight?: number,
  pngDecoder?: boolean,
): Promise<ImagesReply & { wallSeconds: number }> {
  const file = input.files![0]!;
  const start = performance.now();
  const worker = new Worker(new URL('./imagesWorker.ts', import.meta.url), { type: 'module' });
  return new Promise<ImagesReply & { wallSeconds: number }>((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(e.message));
    worker.onmessage = (e: MessageEvent<ImagesReply>) =>
      resolve({ ...e.data, wallSeconds: (performance.now() - start) / 1000 });
    worker.postMessage({ file, mode, options, inFlight, pngDecoder });
  }).finally(() => worker.terminate());
}

Object.assign(window, { decodeImagesPlain });
