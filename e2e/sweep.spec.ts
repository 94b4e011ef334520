// The label-efficiency sweep in the real app, on iris (small and fast on the cpu backend): budgets x
// {scratch, a pretrained encoder} x seeds, its chart and table, its runs in the run list, and a
// reload in the middle that the sweep goes on from.
import { expect, test, type Page } from '@playwright/test';
import { attr, configure, openStudio, watchErrors } from './helpers';

const status = (page: Page) => page.getByTestId('sweep-status');

async function sweepSettings(page: Page, budgets: string, seeds: number) {
  await page.getByTestId('sweep-budgets').fill(budgets);
  await page.getByTestId('sweep-seeds').fill(String(seeds));
}

test('a two-budget sweep on iris finishes with a chart and a table', async ({ page }) => {
  const errors = watchErrors(page);
  await openStudio(page, 'iris');
  // Without an encoder the sweep would run the scratch arm only, and says so.
  await expect(page.getByTestId('sweep-hint')).toContainText('scratch arm only');
  await expect(status(page)).toHaveAttribute('data-state', 'idle');
  // A short autoencoder gives the pretrained arm its encoder.
  await page.getByTestId('stage-pretrain').click();
  await page.getByTestId('pretrain-objective').selectOption('autoencoder');
  await configure(page, { epochs: 2, batchSize: 16, backend: 'cpu' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('sweep-hint')).toHaveCount(0);
  // The default encoder is the pretraining run's (best) checkpoint.
  const encoders = page.locator('[data-testid="checkpoint-item"][data-stage="pretrain"]');
  const encoderIds = await encoders.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  expect(encoderIds).toContain(await page.getByTestId('sweep-encoder').inputValue());

  await page.getByTestId('stage-finetune').click();
  await configure(page, { epochs: 3, batchSize: 16 });
  await sweepSettings(page, '5, all', 1);
  await expect(page.getByTestId('sweep-start')).toHaveText('Run sweep (4 runs)');
  await page.getByTestId('sweep-start').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(status(page)).toHaveAttribute('data-done', '4');

  // Two budgets x two arms, one seed: four points, two rows with the difference of the arms.
  const chart = page.getByTestId('sweep-chart');
  await expect(chart).toHaveAttribute('data-points', '4');
  await expect(chart).toHaveAttribute('data-runs', '4');
  await expect(chart.locator('.recharts-line')).toHaveCount(2);
  const table = page.getByTestId('sweep-table');
  await expect(table).toHaveAttribute('data-rows', '2');
  const rows = table.getByTestId('sweep-row');
  await expect(rows.nth(0)).toHaveAttribute('data-budget', '5');
  await expect(rows.nth(0)).toHaveAttribute('data-x', '5');
  await expect(rows.nth(1)).toHaveAttribute('data-budget', 'all');
  await expect(rows.nth(1)).toHaveAttribute('data-x', '34'); // 102 training rows, 3 classes
  for (const row of await rows.all()) {
    const [scratch, pretrained, diff] = await Promise.all(
      ['data-scratch', 'data-pretrained', 'data-diff'].map(async (a) => Number(await row.getAttribute(a))),
    );
    expect(scratch).toBeGreaterThan(0);
    expect(pretrained).toBeGreaterThan(0);
    expect(diff).toBeCloseTo(pretrained! - scratch!, 6);
  }
  // Each run of the sweep is a fine-tuning run of the run list (plus the pretraining run).
  const sweepRuns = page.locator('[data-testid="run-item"][data-stage="finetune"]');
  await expect(sweepRuns).toHaveCount(4);
  await expect(sweepRuns.filter({ hasText: 'Sweep' })).toHaveCount(4);
  await expect(page.getByTestId('train-start')).toBeEnabled();
  expect(errors).toEqual([]);
});

test('a reload mid-sweep goes on from the next unfinished run and finishes with all points', async ({ page }) => {
  await openStudio(page, 'iris');
  await page.getByTestId('stage-finetune').click();
  // Long enough runs (the second is 800 steps) that the reload lands while the sweep is going.
  await configure(page, { epochs: 200, batchSize: 8, backend: 'cpu' });
  await sweepSettings(page, '5, 10, all', 1);
  await page.getByTestId('sweep-start').click();
  await expect(status(page)).toHaveAttribute('data-state', 'running');
  await expect(status(page)).not.toHaveAttribute('data-done', '0', { timeout: 120_000 });
  // One point per finished run (one seed, the scratch arm), read together with the count.
  const seen = await page.evaluate(() => ({
    done: Number(document.querySelector('[data-testid="sweep-status"]')!.getAttribute('data-done')),
    points: Number(document.querySelector('[data-testid="sweep-chart"]')!.getAttribute('data-points')),
  }));
  expect(seen.points).toBe(seen.done);

  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'iris');
  // The sweep is back, with the finished run's point, and goes on by itself.
  await expect(status(page)).toHaveAttribute('data-state', 'running');
  expect(await attr(page, 'sweep-status', 'data-done')).toBeGreaterThanOrEqual(1);
  expect(await attr(page, 'sweep-status', 'data-done')).toBeLessThan(3);
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(status(page)).toHaveAttribute('data-done', '3');
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', '3');
  await expect(page.getByTestId('sweep-table')).toHaveAttribute('data-rows', '3');
  // The interrupted run was trained again under its own entry: three runs, all done, none offered for resuming.
  const runs = page.locator('[data-testid="run-item"][data-stage="finetune"]');
  await expect(runs).toHaveCount(3);
  await expect(runs.and(page.locator('[data-status="done"]'))).toHaveCount(3);
  await expect(page.getByTestId('interrupted-run')).toHaveCount(0);
});
