// Takes the README screenshot from the real app: MNIST, a short run, results shown.
// Usage: npm run screenshot  (builds first). Writes docs/screenshot.png.
import { mkdirSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.mjs';
import { serveDist } from './serve.mjs';

const out = process.argv[2] ?? 'docs/screenshot.png';
const server = await serveDist();
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 800 },
    colorScheme: process.env.THEME === 'dark' ? 'dark' : 'light',
  });
  await page.goto(server.url);
  await page.getByTestId('dataset-summary').waitFor();
  await page.getByTestId('epochs').fill('4');
  await page.getByTestId('backend').selectOption('wasm');
  await page.getByTestId('train-start').click();
  await page.locator('[data-testid="train-status"][data-state="done"]').waitFor({ timeout: 120_000 });
  await page.getByTestId('metrics').waitFor();
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(1200); // the chart's last redraw
  mkdirSync('docs', { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
