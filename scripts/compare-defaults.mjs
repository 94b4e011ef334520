// npm run compare:defaults: the test accuracy a user gets pressing Start with the page's defaults
// after the natural steps (arm "defaults"), next to the best expert settings found (arm "expert"),
// per seed, in the studio itself (headless Chromium). Every (task, arm, seed) starts in a fresh
// browser profile, as a new user would: nothing stored from an earlier run.
//   digits:   the built-in digits; pretrain (contrastive), fine-tune from the encoder the page
//             offers with 10 labels a class, then with 100.
//   pictures: the small shapes set of npm run small-images (60 a class), uploaded as a zip;
//             fine-tune with all its labels (nothing to pretrain on beyond the set itself).
//   names:    a short-text column (about 8,800 first names, f or m; scripts/names.mjs); pretrain
//             (masked language model, the only objective for text), fine-tune with all labels.
// The defaults arm touches only what a user must: the backend (see below), the seed, the objective,
// the label budget. The expert arm also sets what EXPERT lists.
// Options: --tasks=digits,pictures,names --arms=defaults,expert --seeds=1,2,3 --backend=wasm
//          (pictures train the CNN on webgl: wasm cannot train convolutions) --json=FILE
import { writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { zipSync } from 'fflate';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.mjs';
import { namesCsv } from './names.mjs';
import { serveDist } from './serve.mjs';
import { drawShapes } from './shapes.mjs';
import { runToEnd } from './studio-run.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const tasks = arg('tasks', 'digits,pictures,names').split(',');
const arms = arg('arms', 'defaults,expert').split(',');
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const backend = arg('backend', 'wasm');
const jsonOut = arg('json', '');

/**
 * The expert settings: field test ids and values, per task and stage (filled after the defaults
 * that the page shows; lists are joined as the fields take them).
 */
export const EXPERT = {
  digits: {
    pretrain: { epochs: 100 },
    finetune10: { epochs: 143, patience: 30 },
    finetune100: { epochs: 32 },
  },
  pictures: { finetune: { epochs: 150, patience: 40 } },
  names: { pretrain: { epochs: 10 }, finetune: { epochs: 10 } },
};

const server = await serveDist();
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
const results = [];
const pct = (v) => `${(v * 100).toFixed(1)}%`;

async function fill(page, fields = {}) {
  for (const [id, v] of Object.entries(fields)) await page.getByTestId(id).fill(String(v));
}

async function accuracy(page) {
  return Number(await page.getByTestId('metrics').getAttribute('data-accuracy'));
}

/** Fine-tuning starts from the newest pretraining's best-probe checkpoint: the one a user would pick. */
async function pickBestEncoder(page) {
  const best = page.locator('[data-testid="checkpoint-item"][data-stage="pretrain"][data-tags~="bestProbe"]').first();
  const id = await best.getAttribute('data-id');
  if ((await page.getByTestId('init-from').inputValue()) !== id) await page.getByTestId('init-from').selectOption(id);
}

async function settings(page) {
  const v = async (id) =>
    page
      .getByTestId(id)
      .inputValue()
      .catch(() => null);
  return { epochs: await v('epochs'), batch: await v('batch-size'), rate: await v('learning-rate') };
}

async function digits(page, arm, seed) {
  await page.goto(`${server.url}/?dataset=mnist`);
  await page.locator('[data-testid="dataset-summary"][data-name="mnist"]').waitFor();
  await page.getByTestId('backend').selectOption(backend);
  await fill(page, { seed });
  await page.getByTestId('stage-pretrain').click();
  await page.getByTestId('pretrain-objective').selectOption('contrastive');
  if (arm === 'expert') await fill(page, EXPERT.digits.pretrain);
  const pre = await settings(page);
  const pretrainSeconds = await runToEnd(page);
  await page.getByTestId('stage-finetune').click();
  await pickBestEncoder(page);
  await page.getByTestId('label-budget').selectOption('perClass');
  const out = [];
  for (const labels of [10, 100]) {
    await fill(page, { 'labels-per-class': labels });
    if (arm === 'expert') await fill(page, EXPERT.digits[`finetune${labels}`]);
    const fine = await settings(page);
    const seconds = await runToEnd(page);
    out.push({
      task: `digits, ${labels} labels a class`,
      arm,
      seed,
      accuracy: await accuracy(page),
      seconds,
      pretrainSeconds,
      pretrain: pre,
      finetune: fine,
    });
  }
  return out;
}

async function pictures(page, arm, seed) {
  await page.goto(`${server.url}/?dataset=iris`);
  await page.locator('[data-testid="dataset-summary"][data-name="iris"]').waitFor();
  const files = Object.fromEntries((await drawShapes(page, 60)).map((f) => [f.path, Uint8Array.from(f.bytes)]));
  await page
    .getByTestId('dataset-file')
    .setInputFiles({ name: 'shapes.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) });
  await page.locator('[data-testid="dataset-summary"][data-name="shapes"]').waitFor();
  await page.getByTestId('backend').selectOption('webgl');
  await fill(page, { seed });
  if (arm === 'expert') await fill(page, EXPERT.pictures.finetune);
  const fine = await settings(page);
  const seconds = await runToEnd(page);
  return [{ task: 'pictures (shapes, 3 classes)', arm, seed, accuracy: await accuracy(page), seconds, finetune: fine }];
}

async function names(page, arm, seed) {
  await page.goto(`${server.url}/?dataset=iris`);
  await page.locator('[data-testid="dataset-summary"][data-name="iris"]').waitFor();
  await page
    .getByTestId('dataset-file')
    .setInputFiles({ name: 'names.csv', mimeType: 'text/csv', buffer: Buffer.from(namesCsv()) });
  await page.locator('[data-testid="dataset-summary"][data-name="names"]').waitFor();
  await page.getByTestId('backend').selectOption(backend);
  await fill(page, { seed });
  await page.getByTestId('stage-pretrain').click();
  if (arm === 'expert') await fill(page, EXPERT.names.pretrain);
  const pre = await settings(page);
  const pretrainSeconds = await runToEnd(page);
  await page.getByTestId('stage-finetune').click();
  await pickBestEncoder(page);
  if (arm === 'expert') await fill(page, EXPERT.names.finetune);
  const fine = await settings(page);
  const seconds = await runToEnd(page);
  const tokens = await page.getByTestId('dataset-summary').getAttribute('data-features');
  return [
    {
      task: `names (${tokens} tokens)`,
      arm,
      seed,
      accuracy: await accuracy(page),
      seconds,
      pretrainSeconds,
      pretrain: pre,
      finetune: fine,
    },
  ];
}

const TASKS = { digits, pictures, names };

try {
  for (const task of tasks)
    for (const arm of arms)
      for (const seed of seeds) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        try {
          for (const r of await TASKS[task](page, arm, seed)) {
            results.push(r);
            console.log(
              `${r.task}, ${arm}, seed ${seed}: ${pct(r.accuracy)} (fine-tune ${r.seconds.toFixed(0)} s` +
                `${r.pretrainSeconds ? `, pretrain ${r.pretrainSeconds.toFixed(0)} s` : ''}; ${JSON.stringify({ pretrain: r.pretrain, finetune: r.finetune })})`,
            );
          }
        } catch (e) {
          console.log(`${task}, ${arm}, seed ${seed}: failed: ${e.message}`);
        } finally {
          await context.close();
        }
      }
  console.log('\nTest accuracy, mean over seeds (min–max):');
  for (const task of [...new Set(results.map((r) => r.task))])
    for (const arm of arms) {
      const acc = results.filter((r) => r.task === task && r.arm === arm).map((r) => r.accuracy);
      if (!acc.length) continue;
      const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
      console.log(
        `  ${task.padEnd(32)} ${arm.padEnd(9)} ${pct(mean)} (${pct(Math.min(...acc))}–${pct(Math.max(...acc))}, ${acc.length} seeds)`,
      );
    }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), backend, results }, null, 2));
} finally {
  await browser.close();
  await server.close();
}
