import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../scripts/chromium.mjs';
import { configure, openStudio } from './helpers';

// A real Chromium whose WebGPU gives no adapter (the flag that enables it on Linux is left out).
test.use({
  launchOptions: {
    executablePath: chromiumExecutable(),
    args: CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu'),
  },
});

test('asking for WebGPU without an adapter falls back to another backend and says why in an alert', async ({
  page,
}) => {
  await openStudio(page, 'iris');
  await configure(page, { epochs: 2, backend: 'webgpu' });
  await page.getByTestId('train-start').click();
  await expect(page.getByRole('alert')).toContainText(
    /webgpu could not start: no WebGPU adapter.*Running on (webgl|wasm|cpu) instead/,
  );
  await expect(page.getByTestId('backend-active')).toHaveAttribute('data-backend', /webgl|wasm|cpu/);
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  // The studio keeps working: the alert can be dismissed and another run started.
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('train-start')).toBeEnabled();
});
