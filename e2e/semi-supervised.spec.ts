// Semi-supervised fine-tuning (FixMatch) in the real app, on a toy set built so that it must beat
// supervised fine-tuning: pictures of a vertical or a horizontal bar at any place. The MLP (no
// translation invariance) learns from 4 labelled pictures a class only the places it saw; the
// unlabelled pictures link the places (a bar's shifted views overlap its neighbours') and the
// pseudo-labels spread along them. Unit tests: engine/train/methods/semiSupervised.test.ts.
import { expect, test, type Page } from '@playwright/test';
import { zipSync } from 'fflate';
import { attr, configure, openStudio, watchErrors } from './helpers';

const done = (page: Page) =>
  expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });

/** PNGs of bars, `n` a class (seeded), and `loose` more outside the class folders (unlabeled). */
async function drawBars(page: Page, n: number, loose: number): Promise<Record<string, Uint8Array>> {
  const files = await page.evaluate(
    async ({ n, loose }) => {
      let s = 99;
      const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const out: [string, number[]][] = [];
      const draw = async (vertical: boolean, path: string) => {
        const c = new OffscreenCanvas(28, 28);
        const ctx = c.getContext('2d')!;
        ctx.fillStyle = 'black';
        ctx.fillRect(0, 0, 28, 28);
        ctx.fillStyle = 'white';
        const at = 2 + Math.floor(rand() * 22);
        if (vertical) ctx.fillRect(at, 0, 3, 28);
        else ctx.fillRect(0, at, 28, 3);
        const blob = await c.convertToBlob({ type: 'image/png' });
        out.push([path, Array.from(new Uint8Array(await blob.arrayBuffer()))]);
      };
      for (let i = 0; i < n; i++) {
        await draw(true, `bars/vertical/v${i}.png`);
        await draw(false, `bars/horizontal/h${i}.png`);
      }
      for (let i = 0; i < loose; i++) await draw(i % 2 === 0, `bars/loose${i}.png`);
      return out;
    },
    { n, loose },
  );
  return Object.fromEntries(files.map(([p, b]) => [p, Uint8Array.from(b)]));
}

test('on a label budget, semi-supervised fine-tuning shows its pseudo-labels and beats supervised fine-tuning where it must', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const errors = watchErrors(page);
  await openStudio(page);
  const zip = zipSync(await drawBars(page, 300, 40));
  await page
    .getByTestId('dataset-file')
    .setInputFiles({ name: 'bars.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-name', 'bars');
  await expect(page.getByTestId('unlabeled-count')).toHaveAttribute('data-count', '40');
  await page.getByTestId('model-kind').selectOption('mlp');
  await page.getByTestId('stage-finetune').click();
  await page.getByTestId('label-budget').selectOption('perClass');
  await page.getByTestId('labels-per-class').fill('4');
  await configure(page, { backend: 'wasm' });

  // Supervised: the 8 labelled pictures only.
  await configure(page, { epochs: 60 });
  await page.getByTestId('train-start').click();
  await done(page);
  const supervised = await attr(page, 'metrics', 'data-accuracy');
  await expect(page.getByTestId('pseudo-label-chart')).toHaveCount(0);

  // Semi-supervised: the page's own settings for it (FixMatch's), 90 epochs (about 800 steps).
  await page.getByTestId('finetune-method').selectOption('semi-supervised');
  await expect(page.getByTestId('ssl-threshold')).toHaveValue('0.95');
  await expect(page.getByTestId('ssl-ratio')).toHaveValue('7');
  await expect(page.getByTestId('optimizer')).toHaveValue('momentum');
  await expect(page.getByTestId('lr-schedule')).toHaveValue('cosine');
  // An epoch is a pass over the unlabelled rows: the training pictures outside the budget and the
  // 40 loose ones; 7 of them a step for each of the 8 labelled.
  const pool = (await attr(page, 'dataset-summary', 'data-train-rows')) - 8 + 40;
  await expect(page.getByTestId('stage-steps')).toContainText(
    `a pass over ${pool} unlabelled rows, 56 a step with 8 labelled rows`,
  );
  await configure(page, { epochs: 90 });
  await page.getByTestId('train-start').click();
  await done(page);
  const chart = page.getByTestId('pseudo-label-chart');
  await expect(chart).toHaveAttribute('data-points', '90');
  // The pseudo-labels spread to nearly every unlabelled picture, and (the budget held the training
  // pictures' labels back) nearly all of them are right.
  expect(await attr(page, 'pseudo-label-chart', 'data-last-mask-rate')).toBeGreaterThan(0.8);
  expect(await attr(page, 'pseudo-label-chart', 'data-last-pseudo-accuracy')).toBeGreaterThan(0.9);
  const semi = await attr(page, 'metrics', 'data-accuracy');
  expect(semi, `supervised ${supervised}, semi-supervised ${semi}`).toBeGreaterThan(0.9);
  expect(semi - supervised).toBeGreaterThan(0.1);
  // Its three loss series are the run's.
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-series', /labelled loss.*unlabelled loss/);

  // The label-efficiency sweep with its semi-supervised arm (no encoder here: scratch arms only).
  await page.getByTestId('sweep-budgets').fill('4');
  await page.getByTestId('sweep-seeds').fill('1');
  await page.getByTestId('sweep-semi').check();
  await expect(page.getByTestId('sweep-start')).toHaveText('Run sweep (2 runs)');
  await page.getByTestId('sweep-start').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  const row = page.locator('[data-testid="sweep-row"][data-budget="4"]');
  await expect(page.getByTestId('sweep-table')).toContainText('Semi-supervised, scratch');
  const scratch = Number(await row.getAttribute('data-scratch'));
  const semiArm = Number(await row.getAttribute('data-semi-scratch'));
  expect(semiArm, `supervised arm ${scratch}, semi-supervised arm ${semiArm}`).toBeGreaterThan(scratch + 0.1);
  expect(errors).toEqual([]);
});
