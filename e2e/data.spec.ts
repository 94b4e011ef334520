import { strToU8, zipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attr, configure, openStudio, watchErrors } from './helpers';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

/** PNGs drawn by the browser itself: circles and squares in two colours. */
async function makePngs(page: Page, count: number): Promise<{ name: string; shape: string; bytes: number[] }[]> {
  return page.evaluate(async (n) => {
    const out: { name: string; shape: string; bytes: number[] }[] = [];
    for (let i = 0; i < n; i++) {
      const shape = i % 2 ? 'circle' : 'square';
      const c = new OffscreenCanvas(40, 40);
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, 40, 40);
      ctx.fillStyle = i % 3 ? '#fff' : '#8cf';
      const s = 10 + (i % 5) * 3;
      if (shape === 'square') ctx.fillRect(20 - s / 2 + (i % 4), 20 - s / 2, s, s);
      else {
        ctx.beginPath();
        ctx.arc(20 + (i % 4), 20, s / 2, 0, Math.PI * 2);
        ctx.fill();
      }
      const blob = await c.convertToBlob({ type: 'image/png' });
      out.push({ name: `${shape}_${i}.png`, shape, bytes: Array.from(new Uint8Array(await blob.arrayBuffer())) });
    }
    return out;
  }, count);
}

/** The same kind of picture in the other formats the studio reads: JPEG and WebP drawn by the
 * browser, BMP and GIF written byte by byte (canvas cannot encode those). */
async function otherFormats(page: Page): Promise<Record<string, Uint8Array>> {
  const drawn = await page.evaluate(async () => {
    const out: Record<string, number[]> = {};
    for (const type of ['image/jpeg', 'image/webp']) {
      const c = new OffscreenCanvas(40, 40);
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = '#fff';
      ctx.fillRect(12, 12, 16, 16);
      out[type] = Array.from(new Uint8Array(await (await c.convertToBlob({ type, quality: 0.9 })).arrayBuffer()));
    }
    return out;
  });
  // 2x2 24-bit BMP: file header, BITMAPINFOHEADER, two rows of 2 pixels padded to 8 bytes.
  const bmp = Buffer.alloc(70);
  bmp.write('BM', 0);
  bmp.writeUInt32LE(70, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(2, 18);
  bmp.writeInt32LE(2, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  bmp.writeUInt32LE(16, 34);
  bmp.fill(0xff, 54, 60);
  bmp.fill(0xff, 62, 68);
  // The classic 1x1 GIF.
  const gif = Buffer.from(
    '47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b',
    'hex',
  );
  return { jpg: Uint8Array.from(drawn['image/jpeg']!), webp: Uint8Array.from(drawn['image/webp']!), bmp, gif };
}

async function upload(page: Page, name: string, data: Buffer | Uint8Array, mimeType = 'application/octet-stream') {
  await page.getByTestId('dataset-file').setInputFiles({ name, mimeType, buffer: Buffer.from(data) });
}

async function expectAlert(page: Page, text: RegExp) {
  await expect(page.getByRole('alert').filter({ hasText: text })).toBeVisible();
  await page.getByRole('alert').filter({ hasText: text }).getByRole('button', { name: 'Dismiss' }).click();
}

test('a real-world CSV with missing values and categories: preview, label, train', async ({ page }) => {
  const errors = watchErrors(page);
  await openStudio(page);
  await page.getByTestId('dataset-file').setInputFiles(fixture('customers.csv'));
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-name', 'customers');
  await expect(summary).toHaveAttribute('data-rows', '800');
  // The label is guessed (last categorical column) and can be chosen explicitly.
  await expect(page.getByTestId('label-column')).toHaveValue('churned');
  await page.getByTestId('label-column').selectOption('churned');
  await expect(page.getByTestId('task-type')).toHaveValue('classification');
  await expect(summary).toHaveAttribute('data-classes', '2');
  const row = (name: string) => page.locator(`[data-testid="column-row"][data-column="${name}"]`);
  await expect(row('customer_id')).toHaveAttribute('data-kind', 'identifier');
  await expect(row('customer_id')).toHaveAttribute('data-role', 'ignore');
  await expect(row('plan')).toHaveAttribute('data-kind', 'categorical');
  await expect(row('region')).toHaveAttribute('data-kind', 'categorical');
  await expect(row('age')).toHaveAttribute('data-kind', 'numeric');
  expect(await row('age').getAttribute('data-missing').then(Number)).toBeGreaterThan(30);
  await expect(page.getByTestId('table-preview')).toContainText('North, East');
  await expect(page.getByTestId('class-balance').locator('[data-class="yes"]')).toHaveAttribute('data-count', /\d+/);
  // Features: numbers standardized, categories one-hot (plan 3 + region 4 + paperless 2 + 4 numbers).
  await expect(summary).toHaveAttribute('data-features', '13');

  await configure(page, { epochs: 30, batchSize: 32, learningRate: 0.003, backend: 'wasm' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  expect(await attr(page, 'metrics', 'data-accuracy')).toBeGreaterThan(0.75);
  expect(errors).toEqual([]);
});

test('changing the label re-derives the task: none, regression, classification', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('dataset-file').setInputFiles(fixture('houses.csv'));
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-name', 'houses');
  await page.getByTestId('label-column').selectOption('price_k');
  await expect(page.getByTestId('task-type')).toHaveValue('regression');
  await expect(summary).toHaveAttribute('data-classes', '0');
  await page.getByTestId('label-column').selectOption('district');
  await expect(page.getByTestId('task-type')).toHaveValue('classification');
  await expect(summary).toHaveAttribute('data-classes', '4');
  await page.getByTestId('label-column').selectOption('rooms');
  await expect(page.getByTestId('task-type')).toHaveValue('classification'); // few whole numbers
  await page.getByTestId('task-type').selectOption('regression'); // overridden by the user
  await expect(summary).toHaveAttribute('data-task', 'regression');
  await page.getByTestId('label-column').selectOption('');
  await expect(summary).toHaveAttribute('data-task', 'none');
  await expect(summary).toHaveAttribute('data-classes', '0');
  // Unlabeled rows cannot be fine-tuned on: Start says why.
  await page.getByTestId('train-start').click();
  await expectAlert(page, /no labels/);

  await page.getByTestId('label-column').selectOption('price_k');
  await configure(page, { epochs: 60, batchSize: 32, learningRate: 0.01, backend: 'cpu' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  expect(await attr(page, 'metrics', 'data-r2')).toBeGreaterThan(0.6);
  expect(await attr(page, 'metrics', 'data-mse')).toBeGreaterThan(0);
  // Predicted against actual: one point per test row (the fixture's test split is under 500).
  const scatter = page.getByTestId('regression-scatter');
  expect(await attr(page, 'regression-scatter', 'data-points')).toBe(
    await attr(page, 'dataset-summary', 'data-test-rows'),
  );
  await expect(scatter.locator('.recharts-scatter-symbol').first()).toBeVisible();
});

test('a zip of class folders: counts, previews, training; an undecodable image is skipped and listed', async ({
  page,
}) => {
  await openStudio(page, 'iris');
  const pngs = await makePngs(page, 40);
  const files: Record<string, Uint8Array> = { 'shapes/readme.txt': strToU8('two classes') };
  for (const p of pngs) files[`shapes/${p.shape}/${p.name}`] = Uint8Array.from(p.bytes);
  files['shapes/circle/broken.png'] = strToU8('this is not a png');
  const other = await otherFormats(page);
  files['shapes/circle/extra.jpg'] = other.jpg!;
  files['shapes/circle/extra.gif'] = other.gif!;
  files['shapes/square/extra.webp'] = other.webp!;
  files['shapes/square/extra.bmp'] = other.bmp!;
  await upload(page, 'shapes.zip', zipSync(files), 'application/zip');
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-name', 'shapes');
  // 40 PNGs and one each of JPEG, GIF, WebP and BMP decoded; the broken file skipped.
  await expect(summary).toHaveAttribute('data-rows', '44');
  await expect(summary).toHaveAttribute('data-classes', '2');
  await expect(summary).toHaveAttribute('data-features', String(28 * 28));
  await expect(page.getByTestId('class-balance').locator('[data-class="circle"]')).toHaveAttribute('data-count', '22');
  await expect(page.getByTestId('image-preview').getByRole('img')).toHaveCount(16);
  // Uploaded pictures get the defaults that work on small image sets: the CNN and light augmentation.
  await expect(page.getByTestId('model-kind')).toHaveValue('cnn');
  await expect(page.getByTestId('conv-blocks')).toHaveValue('16, 32, 64');
  await expect(page.getByTestId('augmentation')).toHaveValue('light');
  // A set this small needs many passes: batches of 8 (30 labelled rows) and at least 1,000 steps, not
  // the digits' 5 epochs of 32.
  await expect(page.getByTestId('batch-size')).toHaveValue('8');
  await expect(page.getByTestId('epochs')).not.toHaveValue('5');
  expect(Number(await page.getByTestId('stage-steps').getAttribute('data-steps'))).toBeGreaterThanOrEqual(1000);
  const skipped = page.getByTestId('skipped-files');
  await expect(skipped).toHaveAttribute('data-count', '2');
  await expect(skipped).toContainText('shapes/circle/broken.png (could not be decoded as an image)');
  await expect(skipped).toContainText('readme.txt');
  // Another size and colour re-decodes the same images.
  await page.getByTestId('image-size').selectOption('32');
  await page.getByTestId('image-color').selectOption('rgb');
  await expect(summary).toHaveAttribute('data-features', String(32 * 32 * 3));
  // The CNN trains on wasm when chosen (the studio adds the convolution gradients tfjs 4.22 lacks there).
  await configure(page, { epochs: 5, batchSize: 8, backend: 'wasm' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('backend-active')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('backend-reason')).toContainText('Running on wasm, as chosen.');
  await expect(page.getByTestId('metrics')).toHaveAttribute('data-accuracy', /\d/);
});

test('auto measures wasm for the CNN as for any model and picks the fastest it measured', async ({ page }) => {
  await openStudio(page, 'iris');
  const pngs = await makePngs(page, 40);
  const files: Record<string, Uint8Array> = {};
  for (const p of pngs) files[`shapes/${p.shape}/${p.name}`] = Uint8Array.from(p.bytes);
  await upload(page, 'shapes.zip', zipSync(files), 'application/zip');
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'shapes');
  await expect(page.getByTestId('model-kind')).toHaveValue('cnn');
  await configure(page, { epochs: 1, batchSize: 8, backend: 'auto' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  const reason = (await page.getByTestId('backend-reason').textContent())!;
  // wasm is measured (it once could not train convolutions and was left out), and cpu then is not.
  expect(reason).toMatch(
    /auto measured .*wasm \d+\/s \(cpu not measured: slower than wasm wherever wasm runs\); picked/,
  );
  const rates = [...reason.matchAll(/(webgpu|webgl|wasm) (\d+)\/s/g)].map((m) => [m[1]!, Number(m[2])] as const);
  const fastest = rates.reduce((a, b) => (b[1] > a[1] ? b : a));
  expect(reason).toContain(`picked ${fastest[0]}`);
  await expect(page.getByTestId('backend-active')).toHaveAttribute('data-backend', fastest[0]);
});

test('loose image files load unlabeled; a picked folder gives classes from its subfolders', async ({ page }) => {
  await openStudio(page, 'iris');
  const pngs = await makePngs(page, 12);
  await page
    .getByTestId('dataset-file')
    .setInputFiles(pngs.map((p) => ({ name: p.name, mimeType: 'image/png', buffer: Buffer.from(p.bytes) })));
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-rows', '12');
  await expect(summary).toHaveAttribute('data-task', 'none');
  await expect(summary).toHaveAttribute('data-classes', '0');

  const dir = mkdtempSync(join(tmpdir(), 'studio-folder-'));
  for (const shape of ['circle', 'square']) {
    await import('node:fs').then((fs) => fs.mkdirSync(join(dir, 'pets', shape), { recursive: true }));
  }
  for (const p of pngs) writeFileSync(join(dir, 'pets', p.shape, p.name), Buffer.from(p.bytes));
  await page.getByTestId('dataset-folder').setInputFiles(join(dir, 'pets'));
  await expect(summary).toHaveAttribute('data-name', 'pets');
  await expect(summary).toHaveAttribute('data-classes', '2');
  await expect(summary).toHaveAttribute('data-rows', '12');
});

test('files dropped on the page load like uploads', async ({ page }) => {
  await openStudio(page);
  const csv = await import('node:fs').then((fs) => fs.readFileSync(fixture('houses.csv'), 'utf8'));
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped-houses.csv', { type: 'text/csv' }));
    return dt;
  }, csv);
  await page.locator('.app').dispatchEvent('dragover', { dataTransfer });
  await page.locator('.app').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'dropped-houses');
});

test('bad input ends in a clear alert and the previous dataset still trains', async ({ page }) => {
  await openStudio(page, 'iris');
  const summary = page.getByTestId('dataset-summary');
  const stillIris = async () => {
    await expect(summary).toHaveAttribute('data-name', 'iris');
    await expect(summary).toHaveAttribute('data-rows', '150');
  };
  await upload(page, 'empty.csv', Buffer.alloc(0), 'text/csv');
  await expectAlert(page, /empty\.csv is empty\. Choose a CSV file with a header row/);
  await stillIris();

  const png = (await makePngs(page, 1))[0]!;
  await upload(page, 'photo.csv', Uint8Array.from(png.bytes), 'text/csv');
  await expectAlert(page, /photo\.csv is not a text table \(it contains binary data\)/);
  await stillIris();

  await upload(page, 'one-class.csv', strToU8('a,b,label\n1,2,x\n3,4,x\n5,6,x\n'), 'text/csv');
  await expectAlert(page, /only one class \(x\)/);
  await stillIris();

  const idsOnly = [
    'id,comment,label',
    ...Array.from({ length: 30 }, (_, i) => `${i + 1},comment number ${i},${i % 2 ? 'a' : 'b'}`),
  ].join('\n');
  await upload(page, 'ids.csv', strToU8(idsOnly), 'text/csv');
  await expectAlert(page, /ids\.csv has no usable feature column: "id" \(identifier\), "comment" \(identifier\)/);
  await stillIris();

  await upload(page, 'notes.zip', zipSync({ 'a/readme.md': strToU8('no images here') }), 'application/zip');
  await expectAlert(page, /notes\.zip holds no images and no \.txt files \(only a\/readme\.md\)/);
  await stillIris();

  // A file over the stated size limit is refused before it is read (a sparse file on disk).
  const dir = mkdtempSync(join(tmpdir(), 'studio-big-'));
  const big = join(dir, 'huge.csv');
  await import('node:fs').then((fs) => fs.truncateSync((fs.writeFileSync(big, ''), big), 513 * 1024 * 1024));
  await page.getByTestId('dataset-file').setInputFiles(big);
  await expectAlert(page, /huge\.csv is 513 MB; the limit for a table is 512 MB/);
  await stillIris();

  // Ragged rows: the alert names them and offers to skip them.
  const ragged = [
    'a,b,label',
    ...Array.from({ length: 40 }, (_, i) =>
      i === 4 || i === 9 ? `${i},${i}` : `${i},${i * 2},${i % 2 ? 'odd' : 'even'}`,
    ),
  ].join('\n');
  await upload(page, 'ragged.csv', strToU8(ragged), 'text/csv');
  const alert = page.getByRole('alert').filter({
    hasText: /ragged\.csv: 2 rows have a different number of fields than the header's 3 \(data rows 5, 10\)/,
  });
  await expect(alert).toBeVisible();
  await stillIris();
  await alert.getByRole('button', { name: 'Skip those rows and load' }).click();
  await expect(summary).toHaveAttribute('data-name', 'ragged');
  await expect(summary).toHaveAttribute('data-rows', '38');
  await expect(page.getByTestId('table-rows')).toHaveAttribute('data-malformed', '2');

  // And the dataset before the bad files trains as usual.
  await page.getByTestId('dataset-builtin').selectOption('iris');
  await stillIris();
  await configure(page, { epochs: 3, backend: 'cpu' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
});

test('a zip bomb is stopped at the unpacked-size cap', async ({ page }) => {
  test.setTimeout(240_000);
  await openStudio(page, 'iris');
  const { Zip, ZipDeflate } = await import('fflate');
  // 36 entries of 30 MB of zeros (each under the 32 MB limit for one image, 1.05 GB in all)
  // compress to about a megabyte.
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    parts.push(chunk);
  });
  const block = new Uint8Array(30 * 1024 * 1024);
  for (let i = 0; i < 36; i++) {
    const entry = new ZipDeflate(`bomb/a/zeros${i}.png`, { level: 1 });
    zip.add(entry);
    entry.push(block, true);
  }
  zip.end();
  const bytes = Buffer.concat(parts);
  expect(bytes.length).toBeLessThan(5 * 1024 * 1024);
  await upload(page, 'bomb.zip', bytes, 'application/zip');
  await expectAlert(page, /bomb\.zip would expand to more than 1\.0 GB once unpacked/);
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'iris');
});

test('the loaded dataset comes back after a reload, and can still be re-labelled', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('dataset-file').setInputFiles(fixture('houses.csv'));
  await page.getByTestId('label-column').selectOption('district');
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-classes', '4');
  await page.waitForTimeout(500); // the write to IndexedDB follows the load
  await page.reload();
  await expect(summary).toHaveAttribute('data-name', 'houses');
  await expect(summary).toHaveAttribute('data-classes', '4');
  await expect(page.getByTestId('label-column')).toHaveValue('district');
  // The source file was kept too: a new label is derived from it after the reload.
  await page.getByTestId('label-column').selectOption('price_k');
  await expect(summary).toHaveAttribute('data-task', 'regression');
});

/** Every dataset name the summary shows from now on, in order (a stale summary would show up here). */
async function recordSummaryNames(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    const note = () => {
      const name = document.querySelector('[data-testid="dataset-summary"]')?.getAttribute('data-name');
      if (name && seen[seen.length - 1] !== name) seen.push(name);
    };
    note();
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true });
    Object.assign(window, { __summaryNames: seen });
  });
  return () => page.evaluate(() => (window as unknown as { __summaryNames: string[] }).__summaryNames);
}

test('an upload right after the page opens supersedes the start-up restore, with no alert', async ({ page }) => {
  const errors = watchErrors(page);
  // The built-in digits come late, so the start-up restore is still loading when the file is chosen.
  let requested!: () => void;
  let served!: () => void;
  const asked = new Promise<void>((resolve) => (requested = resolve));
  const routed = new Promise<void>((resolve) => (served = resolve));
  await page.context().route('**/data/mnist.bin', async (route) => {
    requested();
    await new Promise((r) => setTimeout(r, 4000));
    served();
    await route.continue().catch(() => undefined); // the worker has cancelled the request
  });
  await page.goto('/');
  await asked; // the restore is downloading the digits
  await expect(page.getByTestId('dataset-progress')).toBeVisible();
  const names = await recordSummaryNames(page);
  await page.getByTestId('dataset-file').setInputFiles(fixture('houses.csv'));
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-name', 'houses');
  await expect(page.getByTestId('dataset-progress')).toBeHidden();
  // The cancelled restore's file arrives, and changes nothing.
  await routed;
  await page.waitForTimeout(1000);
  await expect(summary).toHaveAttribute('data-name', 'houses');
  await expect(page.getByTestId('dataset-progress')).toBeHidden();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(await names()).toEqual(['houses']);
  // Start is offered (nothing is left "loading").
  await expect(page.getByTestId('train-start')).toBeEnabled();
  await page.context().unroute('**/data/mnist.bin');
  await page.reload();
  await expect(summary).toHaveAttribute('data-name', 'houses');
  expect(errors).toEqual([]);
});

test('two uploads in quick succession: the second one is loaded, and still after a reload', async ({ page }) => {
  const errors = watchErrors(page);
  await openStudio(page);
  // A table large enough to take a few seconds to read here (several 4 MB chunks).
  const dir = mkdtempSync(join(tmpdir(), 'studio-slow-'));
  const slow = join(dir, 'slow.csv');
  const rows = ['a,b,c,d,label'];
  for (let i = 0; i < 600_000; i++)
    rows.push(`${i % 97},${(i * 7) % 89},${(i * 13) % 83}.5,${i % 5},${i % 3 ? 'x' : 'y'}`);
  writeFileSync(slow, rows.join('\n'));
  const names = await recordSummaryNames(page);
  await page.getByTestId('dataset-file').setInputFiles(slow);
  await expect(page.getByTestId('dataset-progress')).toContainText('slow.csv');
  await page.getByTestId('dataset-file').setInputFiles(fixture('houses.csv'));
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-name', 'houses');
  await expect(page.getByTestId('dataset-progress')).toBeHidden();
  await page.waitForTimeout(3000); // long enough for the first table to have finished, had it gone on
  await expect(summary).toHaveAttribute('data-name', 'houses');
  await expect(page.getByTestId('dataset-progress')).toBeHidden();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(await names()).toEqual(['mnist', 'houses']);
  await page.waitForTimeout(500); // the write to IndexedDB follows the load
  await page.reload();
  await expect(summary).toHaveAttribute('data-name', 'houses');
  await expect(summary).toHaveAttribute('data-rows', /\d+/);
  expect(errors).toEqual([]);
});
