// Measures how far the PyTorch project's image reading (data.py: Pillow decodes, numpy resamples)
// is from the studio's (the browser decodes, a canvas draws, as src/worker/data/decodeImages.ts).
// Chromium draws test pictures (smooth shapes, fine detail, noise) of several sizes, saves them as
// PNG and JPEG and decodes them as the studio does; data.py's decode_image reads the same bytes.
// Prints the differences per kind and size; IMAGE_TOLERANCE in templates/data.py comes from here.
//   node scripts/pytorch-image-check.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.mjs';

const SOURCES = [
  [28, 28],
  [37, 53],
  [100, 100],
  [300, 200],
  [640, 480],
  [1024, 768],
];
const TARGETS = [
  [28, 'grayscale'],
  [32, 'rgb'],
  [64, 'rgb'],
];

const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
const page = await browser.newPage();
const cases = await page.evaluate(
  async ({ sources, targets }) => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    /** A test picture: a gradient, shapes, fine stripes, and noise in one corner. */
    function picture(w, h) {
      const c = new OffscreenCanvas(w, h);
      const g = c.getContext('2d');
      const grad = g.createLinearGradient(0, 0, w, h);
      grad.addColorStop(0, `hsl(${rand() * 360}, 70%, 40%)`);
      grad.addColorStop(1, `hsl(${rand() * 360}, 70%, 70%)`);
      g.fillStyle = grad;
      g.fillRect(0, 0, w, h);
      for (let i = 0; i < 12; i++) {
        g.fillStyle = `hsl(${rand() * 360}, 80%, ${30 + rand() * 50}%)`;
        g.beginPath();
        g.arc(rand() * w, rand() * h, (0.05 + rand() * 0.2) * Math.min(w, h), 0, 2 * Math.PI);
        g.fill();
      }
      g.strokeStyle = '#111';
      for (let x = 0; x < w / 3; x += 2) g.strokeRect(x + 0.5, 0, 0, h / 3);
      const img = g.getImageData(w / 2, h / 2, Math.ceil(w / 2), Math.ceil(h / 2));
      for (let i = 0; i < img.data.length; i += 4)
        for (let k = 0; k < 3; k++) img.data[i + k] = Math.max(0, Math.min(255, img.data[i + k] + (rand() - 0.5) * 80));
      g.putImageData(img, w / 2, h / 2);
      return c;
    }
    /** src/worker/data/decodeImages.ts, for one file. */
    async function decode(blob, size, color) {
      const canvas = new OffscreenCanvas(size, size);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      const bitmap = await createImageBitmap(blob);
      const side = Math.min(bitmap.width, bitmap.height);
      ctx.clearRect(0, 0, size, size);
      ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, size, size);
      bitmap.close();
      const rgba = ctx.getImageData(0, 0, size, size).data;
      const out = [];
      for (let p = 0; p < size * size; p++) {
        const [r, g, b] = [rgba[p * 4], rgba[p * 4 + 1], rgba[p * 4 + 2]];
        if (color === 'grayscale') out.push(Math.round(0.299 * r + 0.587 * g + 0.114 * b));
        else out.push(r, g, b);
      }
      return out;
    }
    const result = [];
    for (const [w, h] of sources) {
      const canvas = picture(w, h);
      for (const type of ['image/png', 'image/jpeg']) {
        const blob = await canvas.convertToBlob({ type, quality: 0.9 });
        const bytes = Array.from(new Uint8Array(await blob.arrayBuffer()));
        for (const [size, color] of targets)
          result.push({ w, h, type, size, color, bytes, pixels: await decode(blob, size, color) });
      }
    }
    return result;
  },
  { sources: SOURCES, targets: TARGETS },
);
await browser.close();

const dir = mkdtempSync(join(tmpdir(), 'pytorch-image-check-'));
writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases));
const templates = fileURLToPath(new URL('../src/engine/export/pytorch/templates', import.meta.url));
const script = `
import json, sys
import numpy as np
sys.path.insert(0, ${JSON.stringify(templates)})
import data
worst, means = 0, []
for c in json.load(open(${JSON.stringify(join(dir, 'cases.json'))})):
    got = data.decode_image(bytes(c["bytes"]), c["size"], c["size"], 1 if c["color"] == "grayscale" else 3)
    d = np.abs(got.reshape(-1).astype(int) - np.array(c["pixels"]))
    worst, means = max(worst, d.max()), means + [d.mean()]
    print(f'{c["w"]:>5}x{c["h"]:<4} {c["type"][6:]:<5} -> {c["size"]} {c["color"]:<9}  max {d.max():>3} levels  mean {d.mean():6.3f}  99th {np.percentile(d, 99):5.1f}')
print(f"worst: {worst} levels = {worst / 255:.4f} on the 0..1 scale; mean {np.mean(means):.3f} levels")
`;
const run = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
process.stdout.write(run.stdout + run.stderr);
rmSync(dir, { recursive: true, force: true });
process.exit(run.status ?? 1);
