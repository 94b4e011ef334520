// The path a user takes, with the page's defaults: settings per stage, defaults that follow the
// dataset in whatever order it comes, few-label fine-tuning, the learning-rate finder.
import { zipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { encodePng } from '../scripts/png.mjs';
import { attr, openStudio, watchErrors } from './helpers';

/** A zip of class folders: bars across ("rows") and bars down ("cols"), 28×28 grey, at seeded places. */
function barsZip(perClass: number): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  let s = 7;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (const cls of ['rows', 'cols'])
    for (let i = 0; i < perClass; i++) {
      const px = new Uint8Array(28 * 28);
      const at = 4 + Math.floor(rand() * 20);
      for (let k = 0; k < 28; k++)
        for (let w = 0; w < 3; w++) px[cls === 'rows' ? (at + w) * 28 + k : k * 28 + at + w] = 255;
      files[`bars/${cls}/${cls}_${i}.png`] = encodePng(28, 28, px);
    }
  return zipSync(files);
}

const value = (page: Page, id: string) => page.getByTestId(id);
const steps = (page: Page) => attr(page, 'stage-steps', 'data-steps');

test('pictures uploaded while the built-in digits still load get the picture defaults; a choice stands', async ({
  page,
}) => {
  const errors = watchErrors(page);
  let requested!: () => void;
  const asked = new Promise<void>((resolve) => (requested = resolve));
  await page.context().route('**/data/mnist.bin', async (route) => {
    requested();
    await new Promise((r) => setTimeout(r, 3000));
    await route.continue().catch(() => undefined); // cancelled by the upload
  });
  await page.goto('/');
  await asked; // the start-up load of the digits is under way
  await page
    .getByTestId('dataset-file')
    .setInputFiles({ name: 'bars.zip', mimeType: 'application/zip', buffer: Buffer.from(barsZip(30)) });
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-name', 'bars');
  const pictureDefaults = async () => {
    await expect(value(page, 'model-kind')).toHaveValue('cnn');
    await expect(value(page, 'augmentation')).toHaveValue('light');
    // 42 labelled pictures: batches of 8 (at most a quarter of them), and at least 1,000 steps.
    await expect(value(page, 'batch-size')).toHaveValue('8');
    expect(await steps(page)).toBeGreaterThanOrEqual(1000);
    await expect(value(page, 'early-stopping')).toBeChecked();
  };
  await pictureDefaults();
  await page.context().unroute('**/data/mnist.bin');
  await page.waitForTimeout(500); // the dataset is written to IndexedDB after the load
  await page.reload();
  await expect(summary).toHaveAttribute('data-name', 'bars');
  await pictureDefaults();

  // The digits: the reference setup. Then pictures again: theirs. A number the user set stays.
  await page.getByTestId('dataset-builtin').selectOption('mnist');
  await expect(summary).toHaveAttribute('data-name', 'mnist');
  await expect(value(page, 'model-kind')).toHaveValue('mlp');
  await expect(value(page, 'augmentation')).toHaveValue('off');
  await expect(value(page, 'batch-size')).toHaveValue('32');
  await expect(value(page, 'epochs')).toHaveValue('5');
  await value(page, 'epochs').fill('7');
  await page
    .getByTestId('dataset-file')
    .setInputFiles({ name: 'bars.zip', mimeType: 'application/zip', buffer: Buffer.from(barsZip(30)) });
  await expect(summary).toHaveAttribute('data-name', 'bars');
  await expect(value(page, 'model-kind')).toHaveValue('cnn');
  await expect(value(page, 'epochs')).toHaveValue('7');
  await expect(page.getByTestId('stage-changes')).toHaveAttribute('data-changed', 'epochs');
  await page.getByTestId('settings-reset').click();
  await expect(page.getByTestId('stage-changes')).toHaveAttribute('data-changed', '');
  expect(await steps(page)).toBeGreaterThanOrEqual(1000);
  expect(errors).toEqual([]);
});

test('contrastive pretraining keeps its batch of 256; fine-tuning 10 labels a class from it takes its own, and trains well', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openStudio(page);
  await page.getByTestId('backend').selectOption('wasm');
  await page.getByTestId('stage-pretrain').click();
  await page.getByTestId('pretrain-objective').selectOption('contrastive');
  await expect(value(page, 'batch-size')).toHaveValue('256');
  await expect(value(page, 'augmentation')).toHaveValue('strong');
  await value(page, 'epochs').fill('2');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });

  await page.getByTestId('stage-finetune').click();
  await page.getByTestId('label-budget').selectOption('perClass');
  await page.getByTestId('labels-per-class').fill('10');
  // Fine-tuning's own settings, fitted to 100 labelled digits: not pretraining's batch of 256.
  await expect(value(page, 'batch-size')).toHaveValue('16');
  await expect(value(page, 'epochs')).not.toHaveValue('2');
  expect(await steps(page)).toBeGreaterThanOrEqual(1000);
  await expect(value(page, 'augmentation')).toHaveValue('light');
  // It starts from what was just pretrained (its best probe), the head alone first.
  const best = page.locator('[data-testid="checkpoint-item"][data-stage="pretrain"][data-tags~="bestProbe"]');
  await expect(value(page, 'init-from')).toHaveValue((await best.getAttribute('data-id'))!);
  expect(Number(await value(page, 'head-epochs').inputValue())).toBeGreaterThan(0);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  expect(await attr(page, 'metrics', 'data-accuracy')).toBeGreaterThan(0.7);

  // Each stage shows its own values, also after a reload.
  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'mnist');
  await expect(page.getByTestId('stage-finetune')).toHaveAttribute('aria-selected', 'true');
  await expect(value(page, 'batch-size')).toHaveValue('16');
  await page.getByTestId('stage-pretrain').click();
  await expect(value(page, 'batch-size')).toHaveValue('256');
  await expect(value(page, 'epochs')).toHaveValue('2');
  expect(errors).toEqual([]);
});

test('the learning-rate finder draws its curve for each stage and applies its suggestion', async ({ page }) => {
  const errors = watchErrors(page);
  await openStudio(page, 'iris');
  await page.getByTestId('backend').selectOption('cpu');
  for (const stage of ['finetune', 'pretrain'] as const) {
    await page.getByTestId(`stage-${stage}`).click();
    await page.getByTestId('lr-find').click();
    const chart = page.getByTestId('lr-finder-chart');
    await expect(page.getByTestId('lr-finder-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
    expect(await attr(page, 'lr-finder-chart', 'data-points')).toBeGreaterThan(20);
    await expect(chart.locator('.recharts-line path').first()).toBeVisible();
    const suggestion = (await chart.getAttribute('data-suggestion'))!;
    expect(Number(suggestion)).toBeGreaterThan(1e-6);
    await page.getByTestId('lr-find-apply').click();
    await expect(value(page, 'learning-rate')).toHaveValue(suggestion);
    await expect(page.getByTestId('stage-changes')).toHaveAttribute('data-changed', /learningRate/);
  }
  // Each stage keeps its own rate (and its own sweep).
  await page.getByTestId('stage-finetune').click();
  await expect(page.getByTestId('lr-finder-chart')).toBeVisible();
  // A run after the sweep trains with the rate found.
  await page.getByTestId('epochs').fill('3');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  expect(errors).toEqual([]);
});

test('settings saved by an earlier version (one set for both stages) migrate', async ({ page }) => {
  await page.addInitScript(() => {
    if (localStorage.getItem('pretrain-studio:settings')) return;
    localStorage.setItem(
      'pretrain-studio:config',
      JSON.stringify({
        stage: 'pretrain',
        objective: 'gan',
        learningRate: 0.0002,
        epochs: 9,
        seed: 5,
        backend: 'wasm',
      }),
    );
  });
  await openStudio(page);
  await expect(page.getByTestId('stage-pretrain')).toHaveAttribute('aria-selected', 'true');
  await expect(value(page, 'pretrain-objective')).toHaveValue('gan');
  await expect(value(page, 'learning-rate')).toHaveValue('0.0002');
  await expect(value(page, 'epochs')).toHaveValue('9');
  await expect(value(page, 'backend')).toHaveValue('wasm');
  await page.getByTestId('stage-finetune').click();
  // The GAN's rate was pretraining's; the epochs and the seed were both stages'.
  await expect(value(page, 'learning-rate')).toHaveValue('0.001');
  await expect(value(page, 'epochs')).toHaveValue('9');
  await expect(value(page, 'seed')).toHaveValue('5');
});
