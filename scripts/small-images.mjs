// npm run small-images: how well the studio does on a small set of pictures, as a new user would
// meet it. It draws three classes of simple objects (square, disc, triangle) at random places,
// sizes and colours on plain grounds (seeded), zips them in class folders, uploads the zip to the
// built app in headless Chromium, and fine-tunes with the defaults for uploaded pictures; then
// the same without augmentation, and the reference MLP, for comparison. Prints test accuracy.
// Options: --per-class=60 --epochs=N (default: the studio's own for the set) --seeds=1,2,3 --backend=wasm
//          --arms=defaults,no-augmentation,mlp --head-dropout=R (default: the studio's)
import { chromium } from '@playwright/test';
import { zipSync } from 'fflate';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.mjs';
import { serveDist } from './serve.mjs';
import { drawShapes } from './shapes.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const perClass = Number(arg('per-class', '60'));
const chosenEpochs = arg('epochs', '');
const headDropout = arg('head-dropout', '');
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const backend = arg('backend', 'wasm');
const arms = arg('arms', 'defaults,no-augmentation,mlp').split(',');

const server = await serveDist();
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

const finished = () =>
  page.waitForFunction(
    () =>
      ['done', 'stopped', 'error'].includes(
        document.querySelector('[data-testid="train-status"]')?.getAttribute('data-state') ?? '',
      ),
    null,
    { timeout: 1_800_000, polling: 500 },
  );

try {
  await page.goto(`${server.url}/?dataset=iris`);
  await page.locator('[data-testid="dataset-summary"][data-name="iris"]').waitFor();
  const files = Object.fromEntries((await drawShapes(page, perClass)).map((f) => [f.path, Uint8Array.from(f.bytes)]));
  await page
    .getByTestId('dataset-file')
    .setInputFiles({ name: 'shapes.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) });
  await page.locator('[data-testid="dataset-summary"][data-name="shapes"]').waitFor();
  const rows = await page.getByTestId('dataset-summary').getAttribute('data-rows');
  const defaults = {
    model: await page.getByTestId('model-kind').inputValue(),
    augmentation: await page.getByTestId('augmentation').inputValue(),
    epochs: await page.getByTestId('epochs').inputValue(),
  };
  const epochs = chosenEpochs || defaults.epochs;
  console.log(`${rows} pictures in 3 classes; defaults for uploaded pictures: ${JSON.stringify(defaults)}`);
  await page.getByTestId('backend').selectOption(backend);
  await page.getByTestId('epochs').fill(epochs);
  if (headDropout) await page.getByTestId('head-dropout').fill(headDropout);
  const results = {};
  for (const arm of arms) {
    await page.getByTestId('model-kind').selectOption(arm === 'mlp' ? 'mlp' : defaults.model);
    await page.getByTestId('augmentation').selectOption(arm === 'defaults' ? defaults.augmentation : 'off');
    results[arm] = [];
    for (const seed of seeds) {
      await page.getByTestId('seed').fill(String(seed));
      const started = Date.now();
      await page.getByTestId('train-start').click();
      await page.waitForFunction(
        () => document.querySelector('[data-testid="train-status"]')?.getAttribute('data-state') !== 'done',
      );
      await finished();
      const state = await page.getByTestId('train-status').getAttribute('data-state');
      if (state !== 'done') throw new Error(`run ended ${state}: ${await page.getByRole('alert').allTextContents()}`);
      const accuracy = Number(await page.getByTestId('metrics').getAttribute('data-accuracy'));
      results[arm].push(accuracy);
      console.log(
        `${arm}, seed ${seed}: ${(accuracy * 100).toFixed(1)}% (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      );
    }
  }
  console.log(`\nTest accuracy, ${epochs} epochs on ${backend}, mean of ${seeds.length} seed(s):`);
  for (const [arm, acc] of Object.entries(results))
    console.log(`  ${arm.padEnd(16)} ${((acc.reduce((a, b) => a + b, 0) / acc.length) * 100).toFixed(1)}%`);
} finally {
  await browser.close();
  await server.close();
}
