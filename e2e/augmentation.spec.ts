// Augmentation in the real app: a preset and its live preview of the digits, a run that trains on
// augmented batches, and a download that records the augmentation as training-only.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { configure, openStudio, watchErrors } from './helpers';

test('a preset shows its preview, trains, survives a reload and is written into preprocessing.json', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openStudio(page);
  // The built-in digits start without augmentation (the source material's setup).
  await expect(page.getByTestId('augmentation')).toHaveValue('off');
  await expect(page.getByTestId('augmentation-preview')).toHaveCount(0);

  await page.getByTestId('augmentation').selectOption('strong');
  const preview = page.getByTestId('augmentation-preview');
  await expect(preview).toHaveAttribute('data-current', 'true');
  await expect(preview).toHaveAttribute('data-count', '8');
  // Originals and augmented views: two rows of eight pictures.
  await expect(preview.locator('canvas')).toHaveCount(16);

  // One setting changed by hand makes it a custom setup, and the preview follows.
  await page.getByTestId('augmentation').locator('..').locator('..').getByText('Settings').click();
  await page.getByTestId('augment-rotate').fill('30');
  await expect(page.getByTestId('augmentation')).toHaveValue('custom');
  await expect(preview).toHaveAttribute('data-current', 'true');

  await configure(page, { epochs: 1, backend: 'webgl' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('metrics')).toHaveAttribute('data-accuracy', /^0\.[3-9]|^1/);

  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('model-download').click()]);
  const files = unzipSync(new Uint8Array(readFileSync((await dl.path())!)));
  const pre = JSON.parse(strFromU8(files['preprocessing.json']!)) as {
    training: { augmentation: { preset: string; rotate: number; trainingOnly: boolean } };
  };
  expect(pre.training.augmentation).toMatchObject({ preset: 'custom', rotate: 30, trainingOnly: true });

  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'mnist');
  await expect(page.getByTestId('augmentation')).toHaveValue('custom');
  expect(errors).toEqual([]);
});
