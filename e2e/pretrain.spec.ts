import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { attr, configure, openStudio, watchErrors } from './helpers';

async function pretrain(page: Page, objective: string, epochs: number, backend = 'wasm') {
  await page.getByTestId('stage-pretrain').click();
  await page.getByTestId('pretrain-objective').selectOption(objective);
  await configure(page, { epochs, batchSize: 64, backend });
  await page.getByTestId('train-start').click();
}

for (const objective of ['autoencoder', 'denoising', 'gan']) {
  test(`pretraining with the ${objective} objective runs in the worker; its curves grow and its pictures change per epoch`, async ({
    page,
  }) => {
    const errors = watchErrors(page);
    await openStudio(page);
    await pretrain(page, objective, 2);
    // Epoch 1's pictures, then different ones after epoch 2.
    const pictures = page.getByTestId('pretrain-images');
    await expect(pictures).toHaveAttribute('data-epoch', '1', { timeout: 60_000 });
    await expect(pictures).toHaveAttribute('data-kind', objective === 'gan' ? 'samples' : 'reconstruction');
    const first = await pictures.getAttribute('data-signature');
    const pointsAfterOne = await attr(page, 'loss-chart', 'data-points');
    expect(pointsAfterOne).toBeGreaterThan(0);
    await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
    await expect(pictures).toHaveAttribute('data-epoch', '2');
    expect(await pictures.getAttribute('data-signature')).not.toBe(first);
    expect(await attr(page, 'loss-chart', 'data-points')).toBe(2 * Math.ceil(8000 / 64));
    await expect(page.getByTestId('embedding-view')).toHaveAttribute('data-points', '300');
    // Whatever the objective, each epoch's encoder was probed with the digits' labels.
    await expect(page.getByTestId('probe-chart')).toHaveAttribute('data-points', '2');
    if (objective === 'gan') await expect(page.getByTestId('loss-chart')).toContainText('generator (smoothed)');
    else expect(await attr(page, 'loss-chart', 'data-last-loss')).toBeLessThan(0.1);
    // The encoder of each epoch is a pretrain checkpoint, offered to fine-tuning.
    await expect(page.locator('[data-testid="checkpoint-item"][data-stage="pretrain"]')).toHaveCount(2);
    await page.getByTestId('stage-finetune').click();
    await expect(page.getByTestId('init-from').locator('option')).toHaveCount(3);
    expect(errors).toEqual([]);
  });
}

test('an unlabeled CSV: the autoencoder runs and reports the error of every column', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('dataset-file').setInputFiles(join(import.meta.dirname, 'fixtures', 'houses.csv'));
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'houses');
  await page.getByTestId('label-column').selectOption('');
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-task', 'none');
  await pretrain(page, 'autoencoder', 3, 'cpu');
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  const errors = page.getByTestId('column-errors');
  await expect(errors).toHaveAttribute('data-epoch', '3');
  for (const column of ['size_m2', 'rooms', 'age_years', 'district', 'price_k']) {
    await expect(errors.locator(`tr[data-column="${column}"]`)).toHaveAttribute('data-mse', /^\d/);
  }
  await expect(page.getByTestId('embedding-view')).toBeVisible();
  // No labels, no probe.
  await expect(page.getByTestId('probe-chart')).toHaveCount(0);
});

test('fine-tuning starts from the pretrained encoder or from scratch with the same label budget', async ({ page }) => {
  await openStudio(page);
  await pretrain(page, 'autoencoder', 1);
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await page.getByTestId('stage-finetune').click();
  const encoderId = await page
    .locator('[data-testid="checkpoint-item"][data-stage="pretrain"]')
    .first()
    .getAttribute('data-id');
  expect(encoderId).toMatch(/-e1$/);
  await page.getByTestId('init-from').selectOption(encoderId!);
  await expect(page.locator('#model ol.layers')).toContainText('Dense(128, relu) (pretrained)');
  await page.getByTestId('label-budget').selectOption('perClass');
  await page.getByTestId('labels-per-class').fill('100');
  await configure(page, { epochs: 5, batchSize: 32, learningRate: 0.001 });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  // 100 labels for each of 10 classes: 1,000 rows, 32 batches an epoch.
  expect(await attr(page, 'loss-chart', 'data-points')).toBe(5 * Math.ceil(1000 / 32));
  const fromEncoder = await attr(page, 'metrics', 'data-accuracy');
  expect(fromEncoder).toBeGreaterThan(0.6);
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();

  await page.getByTestId('init-from').selectOption('scratch');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  expect(await attr(page, 'loss-chart', 'data-points')).toBe(5 * Math.ceil(1000 / 32));
  expect(await attr(page, 'metrics', 'data-accuracy')).toBeGreaterThan(0.6);
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();

  // Both fine-tuning runs are in the run list; ticked, their curves share one chart and their
  // metrics one table.
  const finetuneRuns = page.locator('[data-testid="run-item"][data-stage="finetune"]');
  await expect(finetuneRuns).toHaveCount(2);
  for (const i of [0, 1]) await finetuneRuns.nth(i).getByTestId('run-compare').check();
  const compare = page.getByTestId('compare-view');
  await expect(compare).toHaveAttribute('data-runs', '2');
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-series', '2');
  await expect(compare.locator('.recharts-line')).toHaveCount(2);
  const rows = page.getByTestId('compare-row');
  await expect(rows).toHaveCount(2);
  const accuracies = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-accuracy'))));
  expect(accuracies.sort()).toEqual([fromEncoder, await attr(page, 'metrics', 'data-accuracy')].sort());
  await expect(compare).toContainText('scratch');
  await expect(compare).toContainText('autoencoder encoder');

  // An encoder from another dataset is refused with the reason.
  await page.getByTestId('dataset-builtin').selectOption('iris');
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'iris');
  await page.getByTestId('init-from').selectOption(encoderId!);
  await page.getByTestId('train-start').click();
  await expect(page.getByRole('alert')).toContainText(/was trained on mnist/);
});
