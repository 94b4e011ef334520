// Privacy and security: the built app runs under a strict Content-Security-Policy on every
// backend, a whole session talks only to the app's own origin, and uploaded names are text.
import { strToU8, zipSync } from 'fflate';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attr, configure, openStudio, watchErrors } from './helpers';

/** Every CSP violation the page reports (workers log theirs as console errors, see watchErrors). */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return () => page.evaluate(() => [...(globalThis as unknown as { __violations: string[] }).__violations]);
}

/** Every request of the context (page and workers) to another origin fails the test. */
function watchOrigins(context: BrowserContext, page: Page, origin: string): string[] {
  const foreign: string[] = [];
  const check = (url: string) => {
    if (!url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
  };
  context.on('request', (r) => check(r.url()));
  page.on('worker', (w) => check(w.url()));
  return foreign;
}

test('the built app carries a strict CSP (no unsafe-eval) and trains on webgpu, webgl, wasm and cpu under it without a violation', async ({
  page,
  baseURL,
}) => {
  const errors = watchErrors(page);
  const violations = await watchViolations(page);
  const requested: string[] = [];
  page.context().on('request', (r) => requested.push(r.url()));
  const response = await page.goto('/?dataset=iris');
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'iris');
  // Cross-origin isolated (threaded WASM needs it), as a host following the README serves it.
  expect(response!.headers()).toMatchObject({
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('isolation')).toHaveAttribute('data-isolated', 'true');
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const header = response!.headers()['content-security-policy'];
  for (const policy of [meta!, header!]) {
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("connect-src 'self' blob: data:");
    expect(policy).toContain("img-src 'self' blob: data:");
    expect(policy).toContain("worker-src 'self' blob:");
    expect(policy).not.toMatch(/'unsafe-eval'|'unsafe-inline'|\*|https?:/);
  }
  // The policy is in force: eval is refused on the page and in the worker.
  // (Run from a later task: DevTools' own evaluation is exempt from the policy.)
  const tryEval = () =>
    new Promise<string>((resolve) =>
      setTimeout(() => {
        try {
          resolve(String((0, eval)('1 + 1')));
        } catch (e) {
          resolve((e as Error).name);
        }
      }, 0),
    );
  expect(await page.evaluate(tryEval)).toBe('EvalError');
  const worker = page.workers().find((w) => w.url().includes('studio.worker'))!;
  expect(await worker.evaluate(tryEval)).toBe('EvalError');
  // (Page and worker each report theirs; the page's policy comes as a header and a meta tag.)
  await expect.poll(async () => (await violations()).length).toBeGreaterThan(0);
  expect(new Set(await violations())).toEqual(new Set(['script-src eval']));
  await page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations.splice(0));

  for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu']) {
    await configure(page, { epochs: 1, batchSize: 32, backend });
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
    await expect(page.getByTestId('backend-active')).toHaveAttribute('data-backend', backend);
    await expect(page.getByTestId('metrics')).toHaveAttribute('data-accuracy', /\d/);
    if (backend === 'wasm') {
      // One thread by default (measured faster for training; the setting's test runs threads):
      // the single-threaded SIMD build, with no pthread workers.
      expect(requested.some((u) => /tfjs-backend-wasm-simd[^/]*\.wasm$/.test(u))).toBe(true);
      expect(requested.some((u) => /tfjs-backend-wasm-threaded-simd/.test(u))).toBe(false);
      await expect(page.getByTestId('backend-active')).toHaveAttribute('data-wasm-threads', '1');
      await expect(page.getByTestId('backend-active')).toHaveAttribute(
        'title',
        /WASM runs 1 thread: measured faster for training at the default batch size/,
      );
    }
  }
  await expect(page.locator('[role="alert"]')).toHaveCount(0);
  expect(await violations()).toEqual([]);
  expect(errors).toEqual([]);

  // And the listener does see a violation when one happens (the test can fail).
  expect(
    await page.evaluate(() =>
      fetch('https://example.com/collect').then(
        () => 'sent',
        () => 'blocked',
      ),
    ),
  ).toBe('blocked');
  await expect
    .poll(async () => new Set(await violations()))
    .toEqual(new Set(['connect-src https://example.com/collect']));
  expect(
    await worker.evaluate(() =>
      fetch('https://example.com/collect').then(
        () => 'sent',
        () => 'blocked',
      ),
    ),
  ).toBe('blocked');
  expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:/);
});

test("every request of a session (load, upload, train, checkpoint, download, import, reload) goes to the app's own origin", async ({
  page,
  context,
  baseURL,
}) => {
  const foreign = watchOrigins(context, page, baseURL!);
  const own: string[] = [];
  context.on('request', (r) => own.push(r.url()));
  await openStudio(page);
  // Upload: a table, read in the worker.
  await page.getByTestId('dataset-file').setInputFiles(join(import.meta.dirname, 'fixtures', 'customers.csv'));
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'customers');
  await page.getByTestId('label-column').selectOption('churned');
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-classes', '2');
  // Train with checkpoints.
  await configure(page, { epochs: 2, batchSize: 64, backend: 'wasm' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('checkpoint-item')).toHaveCount(2);
  // Download the model (built in the worker, saved from a blob: URL) and import it back.
  const download = page.waitForEvent('download');
  await page.getByTestId('model-download').click();
  const file = await (await download).path();
  await page
    .getByTestId('model-import')
    .setInputFiles({ name: 'model.zip', mimeType: 'application/zip', buffer: readFileSync(file) });
  await expect(page.getByTestId('checkpoint-item')).toHaveCount(3);
  // A reload brings everything back from IndexedDB, not from a server.
  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'customers');
  await expect(page.getByTestId('checkpoint-item')).toHaveCount(3);
  expect(own.length).toBeGreaterThan(5);
  expect(own.some((u) => u.includes('/data/mnist.bin'))).toBe(true); // requests are really observed
  expect(foreign).toEqual([]);
});

test('uploaded names are shown as text, never as HTML', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const xRequests: string[] = [];
  page.on('request', (r) => /\/x$/.test(r.url()) && xRequests.push(r.url()));
  await openStudio(page);
  const evil = '<img src=x onerror=alert(1)>';
  const csv =
    `"${evil}",<b>bold</b>,label\n` +
    Array.from({ length: 40 }, (_, i) => `${i},${(i * 7) % 5},${i % 2 ? '<script>alert(2)</script>' : 'plain'}`).join(
      '\n',
    ) +
    '\n';
  await page
    .getByTestId('dataset-file')
    .setInputFiles({ name: '<img src=x onerror=alert(3)>.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', '<img src=x onerror=alert(3)>');
  const row = page.locator('[data-testid="column-row"]').first();
  await expect(row).toHaveAttribute('data-column', evil);
  await expect(row.locator('th')).toHaveText(evil);
  await expect(page.getByTestId('table-preview').locator('th').first()).toHaveText(evil);
  await expect(page.getByTestId('label-column').locator('option', { hasText: evil })).toHaveCount(1);
  await page.getByTestId('label-column').selectOption('label');
  await expect(page.getByTestId('class-balance')).toContainText('<script>alert(2)</script>');
  // A zip whose class folders are markup.
  const png = await page.evaluate(async () => {
    const c = new OffscreenCanvas(8, 8);
    c.getContext('2d')!.fillRect(0, 0, 4, 4);
    return Array.from(new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer()));
  });
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 4; i++) {
    files[`<img src=x onerror=alert(4)>/${i}.png`] = Uint8Array.from(png);
    files[`<svg onload=alert(6)>/${i}.png`] = Uint8Array.from(png);
  }
  files['<svg onload=alert(6)>/<img src=x onerror=alert(5)>.png'] = strToU8('not a png');
  await page
    .getByTestId('dataset-file')
    .setInputFiles({ name: 'classes.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) });
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'classes');
  await expect(page.getByTestId('class-balance')).toContainText('<img src=x onerror=alert(4)>');
  await expect(page.getByTestId('class-balance')).toContainText('<svg onload=alert(6)>');
  await expect(page.getByTestId('skipped-files')).toContainText('<img src=x onerror=alert(5)>.png');
  // Nothing was parsed as markup: no such elements, no request for "x", no dialog.
  expect(await page.locator('img[src="x"], b, [onerror], [onload], body script:not([src])').count()).toBe(0);
  expect(xRequests).toEqual([]);
  expect(dialogs).toEqual([]);
  expect(await attr(page, 'dataset-summary', 'data-classes')).toBe(2);
});

test('served without the isolation headers, WASM trains on one thread and the studio says why', async ({ page }) => {
  const errors = watchErrors(page);
  // A host that cannot send COOP/COEP: the page's own response comes without them.
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    return route.fulfill({ response, headers });
  });
  await openStudio(page, 'iris');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await expect(page.getByTestId('isolation')).toHaveAttribute('data-isolated', 'false');
  await expect(page.getByTestId('isolation')).toContainText('one thread');
  await configure(page, { epochs: 1, batchSize: 32, backend: 'wasm' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('backend-active')).toHaveAttribute('data-wasm-threads', '1');
  await expect(page.getByTestId('backend-active')).toHaveAttribute('title', /not cross-origin isolated/);
  expect(errors).toEqual([]);
});

test('the WASM thread count set in Diagnostics applies after a reload, beyond tfjs-backend-wasm default', async ({
  page,
}) => {
  const requested: string[] = [];
  page.context().on('request', (r) => requested.push(r.url()));
  const errors = watchErrors(page);
  await openStudio(page, 'iris');
  await page.getByTestId('wasm-threads-setting').fill('2');
  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'iris');
  await expect(page.getByTestId('wasm-threads-setting')).toHaveValue('2');
  await configure(page, { epochs: 1, batchSize: 32, backend: 'wasm' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  // Two threads (tfjs alone would run half the logical cores: one on a 2-core machine), or one
  // where the machine has a single core.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await expect(page.getByTestId('backend-active')).toHaveAttribute('data-wasm-threads', String(Math.min(2, cores)));
  if (cores >= 2) {
    // The threaded build ran under the strict CSP, its pthread workers loading the module
    // factory from the app's origin (a blob: script would be refused and crash the worker).
    expect(requested.some((u) => /tfjs-backend-wasm-threaded-simd[^/]*\.wasm$/.test(u))).toBe(true);
    expect(requested.some((u) => /tfjs-backend-wasm-threaded-simd[^/]*\.js$/.test(u))).toBe(true);
    await expect(page.getByTestId('backend-active')).toHaveAttribute('title', /as set in Diagnostics/);
  }
  await expect(page.locator('[role="alert"]')).toHaveCount(0);
  expect(errors).toEqual([]);
});
