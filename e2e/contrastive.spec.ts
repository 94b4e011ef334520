import { expect, test } from '@playwright/test';
import { attr, configure, openStudio, watchErrors } from './helpers';

test('contrastive pretraining learns from two views of each digit, then fine-tuning starts from its encoder', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openStudio(page);
  await page.getByTestId('stage-pretrain').click();
  await page.getByTestId('pretrain-objective').selectOption('contrastive');
  // Its usual settings follow the objective: more negatives, a hidden layer more, and views that differ.
  await expect(page.getByTestId('batch-size')).toHaveValue('256');
  await expect(page.getByTestId('encoder-widths')).toHaveValue('256, 128');
  await expect(page.getByTestId('augmentation')).toHaveValue('strong');
  await expect(page.getByTestId('temperature')).toHaveValue('0.2');
  await expect(page.locator('#model ol.layers')).toContainText('projection head');
  await configure(page, { epochs: 2, backend: 'wasm' });
  await page.getByTestId('train-start').click();

  const pictures = page.getByTestId('pretrain-images');
  await expect(pictures).toHaveAttribute('data-epoch', '1', { timeout: 90_000 });
  await expect(pictures).toHaveAttribute('data-kind', 'views');
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(pictures).toHaveAttribute('data-epoch', '2');
  expect(await attr(page, 'loss-chart', 'data-points')).toBe(2 * Math.ceil(8000 / 256));
  // Chance is ln(511) = 6.24: every view tells its partner from the batch's 510 other views better than that.
  expect(await attr(page, 'loss-chart', 'data-last-loss')).toBeLessThan(6);
  await expect(page.getByTestId('embedding-view')).toHaveAttribute('data-points', '300');
  await expect(page.locator('[data-testid="checkpoint-item"][data-stage="pretrain"]')).toHaveCount(2);

  await page.getByTestId('stage-finetune').click();
  const encoderId = await page
    .locator('[data-testid="checkpoint-item"][data-stage="pretrain"]')
    .first()
    .getAttribute('data-id');
  await page.getByTestId('init-from').selectOption(encoderId!);
  await expect(page.locator('#model ol.layers')).toContainText('Dense(256, relu) (pretrained)');
  await page.getByTestId('label-budget').selectOption('perClass');
  await page.getByTestId('labels-per-class').fill('100');
  await page.getByTestId('augmentation').selectOption('off');
  await configure(page, { epochs: 3, batchSize: 32 });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  expect(await attr(page, 'metrics', 'data-accuracy')).toBeGreaterThan(0.6);
  await expect(page.getByTestId('run-list')).toContainText('contrastive encoder');
  expect(errors).toEqual([]);
});
