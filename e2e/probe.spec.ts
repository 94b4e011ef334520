import { expect, test, type Page } from '@playwright/test';
import { configure, openStudio, watchErrors } from './helpers';

/** Records every value `probe-chart[data-points]` takes, from before the run starts (no polling race). */
async function recordProbePoints(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { probePoints: string[] }).probePoints = seen;
    new MutationObserver(() => {
      const v = document.querySelector('[data-testid="probe-chart"]')?.getAttribute('data-points');
      if (v && seen[seen.length - 1] !== v) seen.push(v);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-points'] });
  });
}

const recorded = (page: Page) => page.evaluate(() => (window as unknown as { probePoints: string[] }).probePoints);

async function pretrain(page: Page, objective: string, epochs: number, batchSize: number, backend: string) {
  await page.getByTestId('stage-pretrain').click();
  await page.getByTestId('pretrain-objective').selectOption(objective);
  await configure(page, { epochs, batchSize, backend });
  await recordProbePoints(page);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
}

test('the probe chart grows per epoch, and the best-probe encoder is offered to Start from', async ({ page }) => {
  const errors = watchErrors(page);
  await openStudio(page, 'iris');
  await pretrain(page, 'autoencoder', 3, 16, 'cpu');
  const chart = page.getByTestId('probe-chart');
  await expect(chart).toHaveAttribute('data-points', '3');
  // One more point after every epoch.
  expect(await recorded(page)).toEqual(['1', '2', '3']);
  const last = Number(await chart.getAttribute('data-last-probe'));
  expect(last).toBeGreaterThan(0.5); // iris from 4 features: far above a third
  expect(last).toBeLessThanOrEqual(1);
  expect(Number(await chart.getAttribute('data-last-knn'))).toBeGreaterThan(0.5);
  expect(Number(await chart.getAttribute('data-probe-seconds'))).toBeGreaterThan(0);

  // Exactly one checkpoint is the run's best probe; it is the epoch the chart marks, and Start from offers it.
  const best = page.locator('[data-testid="checkpoint-item"][data-tags~="bestProbe"]');
  await expect(best).toHaveCount(1);
  await expect(best).toHaveAttribute('data-epoch', (await chart.getAttribute('data-best-epoch'))!);
  await expect(best).toHaveAttribute('data-probe', (await chart.getAttribute('data-best-probe'))!);
  await expect(best.getByTestId('best-probe-badge')).toContainText('best probe');
  const id = (await best.getAttribute('data-id'))!;
  await page.getByTestId('stage-finetune').click();
  const option = page.getByTestId('init-from').locator(`option[value="${id}"]`);
  await expect(option).toContainText(/best probe \d+(\.\d)?%/);
  await page.getByTestId('init-from').selectOption(id);
  await expect(page.getByTestId('init-from')).toHaveValue(id);
  expect(errors).toEqual([]);
});

test('probes on the digits: their cost next to an epoch', async ({ page }) => {
  await openStudio(page);
  await pretrain(page, 'autoencoder', 2, 64, 'wasm');
  const chart = page.getByTestId('probe-chart');
  await expect(chart).toHaveAttribute('data-points', '2');
  const probe = Number(await chart.getAttribute('data-probe-seconds'));
  const epoch = Number(await chart.getAttribute('data-epoch-seconds'));
  const linear = Number(await chart.getAttribute('data-last-probe'));
  const knn = Number(await chart.getAttribute('data-last-knn'));
  expect(linear).toBeGreaterThan(0.5); // ten classes: chance is 0.1
  expect(knn).toBeGreaterThan(0.5);
  // The figure for the README (not asserted: timings depend on the machine).
  test.info().annotations.push({
    type: 'probe cost',
    description: `probe ${probe.toFixed(2)} s vs epoch ${epoch.toFixed(2)} s (linear ${linear}, k-NN ${knn})`,
  });
  console.log(
    `probe cost (wasm backend): probe ${probe.toFixed(2)} s, epoch ${epoch.toFixed(2)} s; linear ${linear}, knn ${knn}`,
  );
});
