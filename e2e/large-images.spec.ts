// A zip of thousands of small images: the progress line shows the phase, the count and a time
// left while loading, and the set loads complete (issue 16, large image sets).
import { zipSync } from 'fflate';
import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '../scripts/png.mjs';
import { openStudio, watchErrors } from './helpers';

/** `count` noisy side x side pictures in four class folders: a bright square or a dark one, left or right. */
function makeZip(count: number, side: number): string {
  let seed = 11;
  const r = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    const k = i % 4;
    const rgb = new Uint8Array(side * side * 3);
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) {
        const inside = y > side / 4 && y < (3 * side) / 4 && (k % 2 ? x > side / 2 : x < side / 2);
        const base = inside ? (k < 2 ? 220 : 30) : 128;
        for (let c = 0; c < 3; c++) rgb[(y * side + x) * 3 + c] = Math.max(0, Math.min(255, base + (r() - 0.5) * 60));
      }
    files[`many/class_${k}/${String(i).padStart(5, '0')}.png`] = encodePng(side, side, rgb, 3);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'studio-many-images-')), 'many.zip');
  writeFileSync(file, zipSync(files, { level: 6 }));
  return file;
}

test('a zip of thousands of images loads with a progress bar, a count and a time left', async ({ page }) => {
  const count = 8000;
  const errors = watchErrors(page);
  const file = makeZip(count, 24);
  await openStudio(page, 'iris');
  // Everything the progress line showed while loading (it can come and go between two polls).
  await page.evaluate(() => {
    const seen = {
      fractions: [] as number[],
      counts: [] as string[],
      timeLeft: [] as string[],
      bar: false,
      decoding: [] as number[], // when the decoding phase was first and last seen
    };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    new MutationObserver(() => {
      const line = document.querySelector('[data-testid="dataset-progress"]');
      if (!line) return;
      seen.bar ||= line.querySelector('[role="progressbar"]') !== null;
      if (line.textContent?.startsWith('Decoding images'))
        seen.decoding[seen.decoding.length ? 1 : 0] = performance.now();
      const f = Number(line.getAttribute('data-fraction'));
      if (line.hasAttribute('data-fraction') && f !== seen.fractions.at(-1)) seen.fractions.push(f);
      const n = line.querySelector('[data-testid="dataset-progress-count"]')?.textContent;
      if (n && n !== seen.counts.at(-1)) seen.counts.push(n);
      const left = line.querySelector('[data-testid="dataset-time-left"]')?.textContent;
      if (left && left !== seen.timeLeft.at(-1)) seen.timeLeft.push(left);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const started = Date.now();
  await page.getByTestId('dataset-file').setInputFiles(file);
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-name', 'many', { timeout: 60_000 });
  const seconds = (Date.now() - started) / 1000;
  await expect(summary).toHaveAttribute('data-rows', String(count));
  await expect(summary).toHaveAttribute('data-classes', '4');
  await expect(summary).toHaveAttribute('data-features', String(28 * 28));
  await expect(page.getByTestId('dataset-progress')).toHaveCount(0);
  const seen = await page.evaluate(
    () =>
      (
        window as unknown as {
          __seen: { fractions: number[]; counts: string[]; timeLeft: string[]; bar: boolean; decoding: number[] };
        }
      ).__seen,
  );
  console.log(
    `${count} images in ${seconds.toFixed(1)} s; ${seen.fractions.length} progress steps; time left shown: ${seen.timeLeft.join(', ')}`,
  );
  expect(seen.bar).toBe(true);
  expect(seen.fractions.length).toBeGreaterThan(5);
  expect(seen.fractions.some((f) => f > 0 && f < 1)).toBe(true);
  expect(seen.counts.some((c) => new RegExp(`^[\\d,]+ / ${count.toLocaleString('en-US')}$`).test(c))).toBe(true);
  // An estimate needs 1 s of a phase (or 5% of it after 0.25 s): a decoding phase that long shows one.
  const decodingMs = (seen.decoding[1] ?? 0) - (seen.decoding[0] ?? 0);
  if (decodingMs >= 1200) expect(seen.timeLeft.length).toBeGreaterThan(0);
  else console.log(`decoding took ${decodingMs.toFixed(0)} ms: too quick here for the time left to be asserted`);
  for (const t of seen.timeLeft) expect(t).toMatch(/^(about \d+(\.\d)? (s|min|h) left|less than a second left)$/);
  expect(errors).toEqual([]);
});
