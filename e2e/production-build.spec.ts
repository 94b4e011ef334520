// The specs of the "chromium" project run against dist/, the app as users get it: no test hooks
// there (scripts/check-test-hooks.mjs checks the bundles; this checks the running page).
import { expect, test } from '@playwright/test';
import { openStudio } from './helpers';

test('the shipped app has no test hooks', async ({ page }) => {
  await openStudio(page);
  expect(await page.evaluate(() => '__studioTest' in globalThis)).toBe(false);
});
