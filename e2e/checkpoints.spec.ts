import { expect, test } from '@playwright/test';
import { attr, openStudio } from './helpers';
import { item, items, readIdb, smallRun } from './checkpointHelpers';

test('checkpoints survive a reload, resume restores the curve and the optimizer, delete removes them from IndexedDB', async ({
  page,
}) => {
  await openStudio(page);
  await smallRun(page, 3);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(items(page)).toHaveCount(3);
  await expect(item(page, 3)).toHaveAttribute('data-stage', 'finetune');
  const e2 = (await item(page, 2).getAttribute('data-id'))!;
  const e3 = (await item(page, 3).getAttribute('data-id'))!;
  const original = await readIdb(page, 'checkpointData', e3);
  expect(original!.iter).toBe(30); // Adam counted 30 steps
  expect(original!.losses).toHaveLength(30);

  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'mnist');
  await expect(items(page)).toHaveCount(3);
  // The settings came back too (this browser only): the backend chosen, the budget, the epochs.
  await expect(page.getByTestId('backend')).toHaveValue('wasm');
  await expect(page.getByTestId('stage-finetune')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('labels-per-class')).toHaveValue('50');
  await expect(page.getByTestId('epochs')).toHaveValue('3');

  // Resume from epoch 2: the curve comes back (20 steps) and the run goes on to epoch 3.
  await item(page, 2).getByTestId('checkpoint-resume').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  expect(await attr(page, 'loss-chart', 'data-points')).toBe(30);
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-epoch', '3');
  const resumed = await readIdb(page, 'checkpointData', e3);
  // Adam went on from step 20 (a fresh optimizer would say 10) ...
  expect(resumed!.iter).toBe(30);
  // ... and the resumed losses are those of the same run, not a fresh-optimizer jump.
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const before = mean(original!.losses!.slice(20));
  const after = mean(resumed!.losses!.slice(20));
  expect(Math.abs(after - before) / before).toBeLessThan(0.3);
  expect(resumed!.losses!.slice(0, 20)).toEqual(original!.losses!.slice(0, 20));

  await item(page, 2).getByTestId('checkpoint-delete').click();
  await expect(items(page)).toHaveCount(2);
  expect(await readIdb(page, 'checkpointMeta', e2)).toBeNull();
  expect(await readIdb(page, 'checkpointData', e2)).toBeNull();
  await page.reload();
  await expect(items(page)).toHaveCount(2);
});

test('a reload in the middle of training offers to resume the interrupted run from its last checkpoint', async ({
  page,
}) => {
  await openStudio(page);
  await smallRun(page, 40);
  await page.getByTestId('train-start').click();
  await expect.poll(() => items(page).count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await page.reload();
  const banner = page.getByTestId('interrupted-run');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(/epoch \d+ of 40/);
  // Before resuming, the interrupted run's curve is there, up to its last checkpoint.
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'stopped');
  expect(await attr(page, 'loss-chart', 'data-points')).toBeGreaterThanOrEqual(20);
  await banner.getByRole('button', { name: 'Resume' }).click();
  // The curve up to the checkpoint is drawn again, then grows.
  await expect.poll(() => attr(page, 'loss-chart', 'data-points')).toBeGreaterThanOrEqual(20);
  const restored = await attr(page, 'loss-chart', 'data-points');
  await expect.poll(() => attr(page, 'loss-chart', 'data-points')).toBeGreaterThan(restored);
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'stopped');
});
