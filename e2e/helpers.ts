import { expect, type Page } from '@playwright/test';

/** Collects console errors and uncaught exceptions of the page and its workers. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && errors.push(`[worker] ${m.text()}`)));
  return errors;
}

/** Requests to any origin but the app's own. */
export function watchForeignRequests(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
  });
  return foreign;
}

export async function openStudio(page: Page, dataset: 'mnist' | 'iris' = 'mnist'): Promise<void> {
  await page.goto(dataset === 'mnist' ? '/' : `/?dataset=${dataset}`);
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', dataset);
}

export async function configure(
  page: Page,
  cfg: { epochs?: number; batchSize?: number; learningRate?: number; backend?: string },
): Promise<void> {
  if (cfg.epochs !== undefined) await page.getByTestId('epochs').fill(String(cfg.epochs));
  if (cfg.batchSize !== undefined) await page.getByTestId('batch-size').fill(String(cfg.batchSize));
  if (cfg.learningRate !== undefined) await page.getByTestId('learning-rate').fill(String(cfg.learningRate));
  if (cfg.backend !== undefined) await page.getByTestId('backend').selectOption(cfg.backend);
}

export async function attr(page: Page, testId: string, name: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute(name));
}
