// Checkpoint writes that fail (aborted half-way, storage full), forced through the test hooks:
// runs against the build with STUDIO_TEST_HOOKS=1 (dist-test/, see playwright.config.ts).
import { expect, test, type Page } from '@playwright/test';
import { openStudio } from './helpers';
import { item, items, readIdb, smallRun } from './checkpointHelpers';

/** The hook of src/ui/testHooks.ts: a coming checkpoint write fails (after `skip` good ones). */
const fault = (page: Page, kind: 'abort' | 'quota', skip: number) =>
  page.evaluate(
    ([k, n]) =>
      (
        globalThis as unknown as { __studioTest: { faultNextCheckpointWrite(k: string, n: number): Promise<void> } }
      ).__studioTest.faultNextCheckpointWrite(k as string, n as number),
    [kind, skip] as const,
  );

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
