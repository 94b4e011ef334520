// Attributions in the browser (issue 28): the real worker, real tfjs, on data built so that the
// answer is known.
import { expect, test } from '@playwright/test';
import { attr, configure, openStudio, watchErrors } from './helpers';

/** A table whose label is decided by column "c" alone (c > 0: up); the other columns are noise. */
function decidedByC(rows: number): string {
  const lines = ['a,b,c,d,shade,label'];
  let s = 7;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < rows; i++) {
    const [a, b, c, d] = [rand(), rand(), rand(), rand()];
    const shade = ['red', 'green', 'blue'][Math.floor((rand() + 1) * 1.5) % 3];
    lines.push(`${a.toFixed(3)},${b.toFixed(3)},${c.toFixed(3)},${d.toFixed(3)},${shade},${c > 0 ? 'up' : 'down'}`);
  }
  return lines.join('\n');
}

test('a table decided by one column: that column first in the importance chart, and first in a row explained', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openStudio(page, 'iris');
  await page
    .getByTestId('dataset-file')
    .setInputFiles({ name: 'decided.csv', mimeType: 'text/csv', buffer: Buffer.from(decidedByC(600)) });
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'decided');
  await expect(page.getByTestId('label-column')).toHaveValue('label');
  await configure(page, { epochs: 20, batchSize: 32, learningRate: 0.01, backend: 'wasm' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  expect(await attr(page, 'metrics', 'data-accuracy')).toBeGreaterThan(0.9);

  // Permutation importance on the test split, computed in the worker as the evaluation shows.
  const chart = page.getByTestId('feature-importance');
  await expect(chart).toHaveAttribute('data-top', 'c', { timeout: 60_000 });
  const columns = (await chart.getAttribute('data-columns'))!.split(',');
  expect(columns[0]).toBe('c');
  expect(columns.sort()).toEqual(['a', 'b', 'c', 'd', 'shade']);
  const c = Number(await chart.locator('[data-column="c"]').getAttribute('data-mean'));
  const rest = await chart
    .locator('[data-testid="importance-column"]:not([data-column="c"])')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-mean'))));
  // Shuffling c costs tens of accuracy points; any other column a few at most.
  expect(c).toBeGreaterThan(0.25);
  for (const r of rest) expect(r).toBeLessThan(0.05);
  await expect(chart).toHaveAttribute('data-sanity', 'true');
  // The model's explain button measures again (with progress while it runs).
  const again = page.locator('#evaluate').getByTestId('explain');
  await again.click();
  await expect(again).toBeEnabled({ timeout: 60_000 });
  await expect(chart).toHaveAttribute('data-top', 'c');

  // One row in the inference panel: integrated gradients put c's weight first.
  await page.getByTestId('inference-row').fill('0.1,-0.2,0.8,0.3,red');
  await page.getByTestId('inference-predict').click();
  await expect(page.getByTestId('inference-result')).toHaveAttribute('data-class', 'up');
  await page.getByTestId('inference-panel').getByTestId('explain').click();
  const rows = page.getByTestId('row-attribution');
  await expect(rows).toHaveCount(5);
  const weights = await rows.evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-column'), Math.abs(Number(e.getAttribute('data-weight')))] as const),
  );
  const top = weights.reduce((a, b) => (b[1] > a[1] ? b : a));
  expect(top[0]).toBe('c');
  await expect(page.getByTestId('explain-method')).toHaveValue('integratedGradients');
  expect(errors).toEqual([]);
});

test("a wrong digit's saliency overlay, by each method, for the class it chose or another", async ({ page }) => {
  const errors = watchErrors(page);
  await openStudio(page);
  await page.getByTestId('model-kind').selectOption('cnn');
  await configure(page, { epochs: 1, batchSize: 64, backend: 'wasm' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  const wrong = page.getByTestId('wrong-example').first();
  await wrong.getByTestId('explain').click();
  const map = page.getByTestId('saliency-map');
  await expect(map).toBeVisible({ timeout: 30_000 });
  // SmoothGrad first: integrated gradients from black follow the strokes whatever the weights.
  await expect(map).toHaveAttribute('data-method', 'smoothGrad');
  await expect(page.getByTestId('explanation')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('explain-sanity')).toHaveAttribute('data-passed', /true|false/);
  // The CNN offers Grad-CAM too; each method redraws the overlay.
  await expect(page.getByTestId('explain-method').locator('option')).toHaveText([
    'SmoothGrad',
    'Integrated gradients',
    'Grad-CAM',
  ]);
  for (const method of ['integratedGradients', 'gradCam']) {
    await page.getByTestId('explain-method').selectOption(method);
    await expect(map).toHaveAttribute('data-method', method);
    await expect(page.getByTestId('explanation')).toHaveAttribute('data-state', 'done');
  }
  // Another class than the predicted one.
  const actual = await wrong.getAttribute('data-actual');
  await page.getByTestId('explain-class').selectOption({ index: 1 + Number(actual) });
  await expect(page.getByTestId('explanation')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('saliency-map')).toBeVisible();
  expect(errors).toEqual([]);
});
