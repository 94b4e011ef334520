import { expect, test, type Page } from '@playwright/test';
import { attr, configure, openStudio } from './helpers';

/** Reads a record straight from the studio's IndexedDB, as the browser stores it. */
function readIdb(page: Page, store: 'checkpointMeta' | 'checkpointData', key: string) {
  return page.evaluate(
    ([storeName, id]) =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('pretrain-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(storeName!, 'readonly').objectStore(storeName!).get(id!);
          req.onsuccess = () => {
            const v = req.result as
              | {
                  model?: { optimizer: { name: string; dtype: string; data: ArrayBuffer }[] };
                  history?: { losses: Float32Array[] };
                }
              | undefined;
            open.result.close();
            if (!v) return resolve(null);
            // What the test needs, as plain data: Adam's step count and the loss history.
            const iter = v.model?.optimizer.find((t) => t.name === 'iter');
            const iterValue = iter
              ? (iter.dtype === 'int32' ? new Int32Array(iter.data) : new Float32Array(iter.data))[0]
              : null;
            resolve({ iter: iterValue ?? null, losses: v.history ? Array.from(v.history.losses[0]!) : null });
          };
          req.onerror = () => reject(req.error);
        };
      }),
    [store, key],
  ) as Promise<{ iter: number | null; losses: number[] | null } | null>;
}

async function smallRun(page: Page, epochs: number) {
  await page.getByTestId('stage-finetune').click();
  await page.getByTestId('label-budget').selectOption('perClass');
  await page.getByTestId('labels-per-class').fill('50'); // 500 rows: 10 batches of 50 an epoch
  await configure(page, { epochs, batchSize: 50, backend: 'wasm' });
}

/** The test hook of src/ui/actions.ts: a coming checkpoint write fails (after `skip` good ones). */
const fault = (page: Page, kind: 'abort' | 'quota', skip: number) =>
  page.evaluate(
    ([k, n]) =>
      (
        globalThis as unknown as { __studioTest: { faultNextCheckpointWrite(k: string, n: number): Promise<void> } }
      ).__studioTest.faultNextCheckpointWrite(k as string, n as number),
    [kind, skip] as const,
  );

const items = (page: Page) => page.getByTestId('checkpoint-item');
const item = (page: Page, epoch: number) => page.locator(`[data-testid="checkpoint-item"][data-epoch="${epoch}"]`);

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

test('a checkpoint write that fails half-way leaves no partial entry and the earlier checkpoints intact', async ({
  page,
}) => {
  await openStudio(page);
  await smallRun(page, 3);
  // The second write (epoch 2) puts the checkpoint's listing, then its transaction is aborted.
  await fault(page, 'abort', 1);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.getByRole('alert')).toContainText(
    /checkpoint of epoch 2 could not be written .* the earlier checkpoints are intact/,
  );
  await expect(items(page)).toHaveCount(2);
  const e1 = (await item(page, 1).getAttribute('data-id'))!;
  const e2 = e1.replace(/-e1$/, '-e2');
  expect(await readIdb(page, 'checkpointMeta', e2)).toBeNull();
  expect(await readIdb(page, 'checkpointData', e2)).toBeNull();
  expect((await readIdb(page, 'checkpointData', e1))!.iter).toBe(10);
  await expect(item(page, 3)).toBeVisible();
});

test('full storage: training goes on, the alert says what the checkpoint needed and frees space', async ({ page }) => {
  await openStudio(page);
  await smallRun(page, 3);
  await fault(page, 'quota', 1);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  const alert = page.getByRole('alert').filter({
    hasText: /Browser storage is full: the checkpoint of epoch 2 needs about \d+(\.\d)? (KB|MB).*Training goes on/,
  });
  await expect(alert).toBeVisible();
  await expect(items(page)).toHaveCount(2); // epochs 1 and 3
  const prunable = (await items(page).evaluateAll(
    (els) => els.filter((e) => !/best|final/.test(e.getAttribute('data-tags') ?? '')).length,
  )) as number;
  await alert.getByRole('button', { name: 'Delete old checkpoints' }).click();
  // What remains is each run's best and final checkpoint.
  await expect(items(page)).toHaveCount(2 - prunable);
  for (const tags of await items(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-tags') ?? '')))
    expect(tags).toMatch(/best|final/);
  await expect(item(page, 3)).toBeVisible();
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
