// Take the model with you: the download is a real zip that plain TensorFlow.js loads in Node and
// that predicts what the studio predicts; it comes back in; broken files are refused.
import { readFileSync } from 'node:fs';
import { encodePng } from '../scripts/png.mjs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { buildTableDataset } from '../src/engine/data/table/buildTable';
import { readCsv } from '../src/engine/data/table/readCsv';
import { DEFAULT_TABLE_OPTIONS } from '../src/shared/defaults';
import { configure, openStudio, watchErrors } from './helpers';
import { runOnnx } from './onnx';

const publicFile = (name: string) => readFileSync(fileURLToPath(new URL(`../public/data/${name}`, import.meta.url)));

interface ModelJson {
  format: string;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** What a user does in Node with the download: unzip it and load model.json with its weights. */
async function loadDownload(zipBytes: Uint8Array) {
  const files = unzipSync(zipBytes);
  const modelJson = JSON.parse(strFromU8(files['model.json']!)) as ModelJson;
  const pre = JSON.parse(strFromU8(files['preprocessing.json']!));
  const weights = modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => files[p.replace(/^\.\//, '')]!));
  const weightData = tf.io.concatenateArrayBuffers(weights.map((w) => w.slice().buffer as ArrayBuffer));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
      weightData,
    }),
  );
  return { files, modelJson, pre, model };
}

/** The user's own preprocessing from preprocessing.json (written here from the format, not the studio's code). */
function encodeRow(
  pre: {
    features: {
      column: string;
      type: string;
      mean: number;
      std: number;
      impute: number | string;
      categories: string[];
      other: boolean;
    }[];
  },
  row: Record<string, string>,
): number[] {
  return pre.features.flatMap((f) => {
    const v = row[f.column]!.trim();
    if (f.type === 'numeric') return [((v === '' ? (f.impute as number) : Number(v)) - f.mean) / f.std];
    const oneHot = [
      ...f.categories.map((c) => (c === v ? 1 : 0)),
      ...(f.other ? [f.categories.includes(v) ? 0 : 1] : []),
    ];
    return oneHot;
  });
}

async function predictNode(model: tf.LayersModel, x: number[], shape: number[]): Promise<number[]> {
  const out = tf.tidy(() => model.predict(tf.tensor(x, [1, ...shape])) as tf.Tensor);
  const values = Array.from(await out.data());
  out.dispose();
  return values;
}

/** The studio's prediction shown after the n-th request: class probabilities, by class order. */
async function studioProbs(page: Page, n: number): Promise<number[]> {
  await expect(page.getByTestId('inference-result')).toHaveAttribute('data-n', String(n));
  return page.getByTestId('inference-prob').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-p'))));
}

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Uint8Array }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: dl.suggestedFilename(), bytes: new Uint8Array(readFileSync((await dl.path())!)) };
}

const maxDiff = (a: number[], b: number[]) => (
  expect(a.length).toBe(b.length),
  Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))
);

test('iris: download, load in Node, same predictions on held-out rows; import back, predict, train further; broken files refused', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openStudio(page, 'iris');
  await page.getByTestId('stage-finetune').click();
  await configure(page, { epochs: 15, batchSize: 16, learningRate: 0.02, backend: 'wasm' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('inference-model')).toHaveValue('current');
  await expect(page.getByTestId('model-download')).toBeEnabled();

  const zip = await download(page, () => page.getByTestId('model-download').click());
  expect(zip.name).toMatch(/\.zip$/);
  const { files, modelJson, pre, model } = await loadDownload(zip.bytes);
  expect(Object.keys(files).sort()).toEqual(['model.json', 'model.onnx', 'model.weights.bin', 'preprocessing.json']);
  expect(modelJson.format).toBe('layers-model');
  expect(pre).toMatchObject({
    task: 'classification',
    input: { kind: 'table', shape: [4] },
    classNames: ['setosa', 'versicolor', 'virginica'],
  });
  expect(pre.features.map((f: { column: string }) => f.column)).toEqual([
    'sepal_length',
    'sepal_width',
    'petal_length',
    'petal_width',
  ]);
  expect(pre.metrics.testAccuracy).toBeGreaterThan(0);
  expect(pre.metrics.testAccuracy).toBeCloseTo(
    Number(await page.getByTestId('metrics').getAttribute('data-accuracy')),
    6,
  );

  // Held-out rows: the test split the studio evaluated on (same file, same seeded split).
  const csv = publicFile('iris.csv').toString('utf8');
  const ds = buildTableDataset(await readCsv(csv, 'iris.csv', { skipMalformed: false }), {
    ...DEFAULT_TABLE_OPTIONS,
    label: 'species',
  });
  const lines = csv.trim().split('\n');
  const header = lines[0]!.split(',');
  const heldOut = Array.from(
    ds.split.test.filter((_, i) => i % 3 === 0),
    (r) => lines[r + 1]!,
  );
  let worst = 0;
  const studio: number[][] = [];
  const nodeProbs: number[][] = [];
  for (const [i, line] of heldOut.entries()) {
    // Pasted as a user would: the four measurements, in the column order the panel names.
    await page.getByTestId('inference-row').fill(line.split(',').slice(0, 4).join(','));
    await page.getByTestId('inference-predict').click();
    const probs = await studioProbs(page, i + 1);
    const row = Object.fromEntries(header.map((h, k) => [h, line.split(',')[k]!]));
    const node = await predictNode(model, encodeRow(pre, row), [4]);
    worst = Math.max(worst, maxDiff(probs, node));
    studio.push(probs);
    nodeProbs.push(node);
    const best = node.indexOf(Math.max(...node));
    await expect(page.getByTestId('inference-result')).toHaveAttribute('data-class', pre.classNames[best]);
  }
  console.log(`iris: max |studio - node| over ${heldOut.length} held-out rows x 3 classes = ${worst.toExponential(2)}`);
  expect(worst).toBeLessThan(1e-4);

  // ONNX: model.onnx alone (the same file as in the zip) runs in ONNX Runtime like the studio.
  const onnx = await download(page, () => page.getByTestId('model-download-onnx').click());
  expect(onnx.name).toBe('model.onnx');
  expect(onnx.bytes).toEqual(files['model.onnx']);
  const ortProbs = await runOnnx(
    onnx.bytes,
    heldOut.map((line) => encodeRow(pre, Object.fromEntries(header.map((h, k) => [h, line.split(',')[k]!])))),
    [4],
  );
  const ortWorst = Math.max(...studio.map((p, i) => maxDiff(p, ortProbs[i]!)));
  console.log(`iris: max |studio - onnxruntime| over ${heldOut.length} held-out rows = ${ortWorst.toExponential(2)}`);
  expect(ortWorst).toBeLessThan(1e-4);
  // The prediction is not trivial: the rows do not all get the same answer.
  expect(new Set(studio.map((p) => p.indexOf(Math.max(...p)))).size).toBeGreaterThan(1);
  model.dispose();

  // The two plain tfjs files, for those who want exactly those.
  const [jsonFile, binFile] = await (async () => {
    const got: { name: string; bytes: Uint8Array }[] = [];
    const listener = page.waitForEvent('download');
    const second = listener.then(() => page.waitForEvent('download'));
    const [a] = await Promise.all([listener, page.getByTestId('model-download-tfjs').click()]);
    const b = await second;
    for (const d of [a, b])
      got.push({ name: d.suggestedFilename(), bytes: new Uint8Array(readFileSync((await d.path())!)) });
    return got.sort((x, y) => x.name.localeCompare(y.name));
  })();
  expect(jsonFile!.name).toBe('model.json');
  expect(binFile!.name).toBe('model.weights.bin');
  expect(binFile!.bytes).toEqual(files['model.weights.bin']);

  // Import the zip back: a checkpoint record, its architecture shown, the same predictions.
  const before = await page.getByTestId('checkpoint-item').count();
  await page
    .getByTestId('model-import')
    .setInputFiles({ name: zip.name, mimeType: 'application/zip', buffer: Buffer.from(zip.bytes) });
  await expect(page.getByTestId('model-import-status')).toBeVisible();
  await expect(page.getByTestId('checkpoint-item')).toHaveCount(before + 1);
  const importedId = await page.getByTestId('inference-model').inputValue();
  expect(importedId).toMatch(/^import-/);
  await expect(page.locator(`[data-testid="checkpoint-item"][data-id="${importedId}"]`)).toHaveAttribute(
    'data-stage',
    'finetune',
  );
  await expect(page.getByTestId('model-architecture')).toContainText('Dense(128, relu)');
  await page.getByTestId('inference-row').fill(heldOut[0]!.split(',').slice(0, 4).join(','));
  await page.getByTestId('inference-predict').click();
  expect(maxDiff(await studioProbs(page, 1), studio[0]!)).toBeLessThan(1e-6);
  // ... offered as "Start from", and trained further.
  await page.getByTestId('init-from').selectOption(importedId);
  await configure(page, { epochs: 1 });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  // 'done' may still be the previous run's: the new run's checkpoint says it has trained and saved.
  await expect(page.getByTestId('checkpoint-item')).toHaveCount(before + 2, { timeout: 60_000 });
  await expect(page.getByTestId('metrics')).toHaveAttribute('data-accuracy', /\d/);

  // Broken or hostile files: an alert each, nothing stored.
  const count = await page.getByTestId('checkpoint-item').count();
  const good = {
    json: strFromU8(files['model.json']!),
    bin: files['model.weights.bin']!,
    pre: files['preprocessing.json']!,
  };
  const refuse = async (name: string, entries: Record<string, Uint8Array>, why: RegExp) => {
    const alerts = page.getByRole('alert').filter({ hasText: why });
    await page
      .getByTestId('model-import')
      .setInputFiles({ name, mimeType: 'application/zip', buffer: Buffer.from(zipSync(entries)) });
    await expect(alerts).toHaveCount(1);
    await expect(page.getByTestId('checkpoint-item')).toHaveCount(count);
  };
  await refuse(
    'truncated.zip',
    {
      'model.json': strToU8(good.json),
      'model.weights.bin': good.bin.slice(0, good.bin.length - 100),
      'preprocessing.json': good.pre,
    },
    /not imported.*truncated/,
  );
  const unknown = good.json.replace('"class_name":"Dense"', '"class_name":"Lambda"');
  expect(unknown).not.toBe(good.json);
  await refuse(
    'unknown-layer.zip',
    { 'model.json': strToU8(unknown), 'model.weights.bin': good.bin, 'preprocessing.json': good.pre },
    /not imported.*"Lambda", which the studio does not know/,
  );
  await refuse(
    'polluted.zip',
    {
      'model.json': strToU8(good.json.replace('{', '{"__proto__":{"admin":true},')),
      'model.weights.bin': good.bin,
      'preprocessing.json': good.pre,
    },
    /not imported.*"__proto__"/,
  );
  // model.json and its weights chosen as two files also works (preprocessing from the loaded iris).
  await page.getByTestId('model-import').setInputFiles([
    { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(good.json) },
    { name: 'model.weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(good.bin) },
  ]);
  await expect(page.getByTestId('checkpoint-item')).toHaveCount(count + 1);

  // Training the imported model on data with other inputs is refused with the reason.
  await page
    .getByTestId('dataset-file')
    .setInputFiles(fileURLToPath(new URL('./fixtures/houses.csv', import.meta.url)));
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'houses');
  await page.getByTestId('label-column').selectOption('price_k');
  await expect(page.getByTestId('task-type')).toHaveValue('regression');
  await page.getByTestId('stage-finetune').click();
  await page.getByTestId('init-from').selectOption(importedId);
  await page.getByTestId('train-start').click();
  await expect(
    page.getByRole('alert').filter({ hasText: /trained on iris .* houses has other inputs.*imported from/ }),
  ).toBeVisible();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'error');

  // A fresh tab that never trained (the worker's default backend): import the zip and predict.
  const fresh = await page.context().newPage();
  const freshErrors = watchErrors(fresh);
  await openStudio(fresh, 'iris');
  await fresh
    .getByTestId('model-import')
    .setInputFiles({ name: zip.name, mimeType: 'application/zip', buffer: Buffer.from(zip.bytes) });
  await expect(fresh.getByTestId('model-import-status')).toBeVisible();
  await fresh.getByTestId('inference-row').fill(heldOut[1]!.split(',').slice(0, 4).join(','));
  await fresh.getByTestId('inference-predict').click();
  const freshDiff = maxDiff(await studioProbs(fresh, 1), nodeProbs[1]!);
  console.log(`iris, imported in a fresh tab: max |studio - node| = ${freshDiff.toExponential(2)}`);
  expect(freshDiff).toBeLessThan(1e-4);
  expect([...errors, ...freshErrors]).toEqual([]);
});

test('mnist: a checkpoint downloads and predicts held-out digits in Node as in the studio; drawing a digit predicts', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openStudio(page);
  await page.getByTestId('stage-finetune').click();
  await page.getByTestId('label-budget').selectOption('perClass');
  await page.getByTestId('labels-per-class').fill('100');
  await configure(page, { epochs: 2, batchSize: 50, backend: 'wasm' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  const item = page.locator('[data-testid="checkpoint-item"][data-epoch="2"]').first();
  const zip = await download(page, () => item.getByTestId('checkpoint-download').click());
  const { pre, model } = await loadDownload(zip.bytes);
  expect(pre).toMatchObject({
    task: 'classification',
    input: { kind: 'image', shape: [28, 28, 1], modelInputShape: [784] },
    image: { height: 28, width: 28, channels: 1 },
  });

  // Held-out digits: the last rows of the built-in asset are its test split.
  const buf = publicFile('mnist.bin');
  const headerLength = buf.readUInt32LE(4);
  const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString('utf8'));
  const labelsAt = 8 + headerLength;
  const pixelsAt = labelsAt + header.rows;
  await expect(page.getByTestId('inference-canvas')).toBeVisible();
  let worst = 0;
  const digits: number[][] = [];
  const studioDigits: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const row = header.rows - 1 - i * 97;
    const pixels = new Uint8Array(buf.subarray(pixelsAt + row * 784, pixelsAt + (row + 1) * 784));
    await page
      .getByTestId('inference-image')
      .setInputFiles({ name: `digit-${row}.png`, mimeType: 'image/png', buffer: encodePng(28, 28, pixels) });
    const probs = await studioProbs(page, i + 1);
    const x = Array.from(pixels, (v) => v * pre.image.scale);
    const node = await predictNode(model, x, [784]);
    worst = Math.max(worst, maxDiff(probs, node));
    digits.push(x);
    studioDigits.push(probs);
  }
  // The checkpoint's model.onnx in ONNX Runtime: the same probabilities.
  const onnx = await download(page, () => item.getByTestId('checkpoint-download-onnx').click());
  expect(onnx.name).toBe('model.onnx');
  const ortProbs = await runOnnx(onnx.bytes, digits, [784]);
  const ortWorst = Math.max(...studioDigits.map((p, i) => maxDiff(p, ortProbs[i]!)));
  console.log(`mnist: max |studio - onnxruntime| over 4 held-out digits = ${ortWorst.toExponential(2)}`);
  expect(ortWorst).toBeLessThan(1e-4);
  // The same digit dropped on the panel: a prediction, not a new dataset.
  const lastRow = header.rows - 1;
  const png = encodePng(28, 28, new Uint8Array(buf.subarray(pixelsAt + lastRow * 784, pixelsAt + (lastRow + 1) * 784)));
  const dropped = await page.evaluateHandle((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
    return dt;
  }, Array.from(png));
  await page.getByTestId('inference-drop').dispatchEvent('drop', { dataTransfer: dropped });
  const droppedProbs = await studioProbs(page, 5);
  const node0 = await predictNode(
    model,
    Array.from(buf.subarray(pixelsAt + lastRow * 784, pixelsAt + (lastRow + 1) * 784), (v) => v * pre.image.scale),
    [784],
  );
  worst = Math.max(worst, maxDiff(droppedProbs, node0));
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'mnist');
  console.log(`mnist: max |studio - node| over 5 held-out digits x 10 classes = ${worst.toExponential(2)}`);
  expect(worst).toBeLessThan(1e-4);
  model.dispose();

  // Drawing: a vertical stroke on the canvas predicts (a "1", most likely), with 10 probabilities.
  await page.getByTestId('inference-canvas').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('inference-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
  await page.mouse.down();
  for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + box.width / 2, box.y + box.height * (0.2 + 0.06 * k));
  await page.mouse.up();
  const drawn = await studioProbs(page, 6);
  expect(drawn).toHaveLength(10);
  expect(drawn.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  await expect(page.getByTestId('inference-result')).toHaveAttribute('data-class', /^\d$/);
  expect(errors).toEqual([]);
});
