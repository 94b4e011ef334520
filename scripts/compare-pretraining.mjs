// npm run compare: does pretraining pay, measured in the studio itself. For each seed, on the
// built-in digits: pretrain an encoder, then for each label budget fine-tune it (all layers) and
// the same network from random weights (the control: same layers, same augmentation, same epochs,
// same labels); prints the test accuracy of each arm and the difference.
// Options (defaults in brackets):
//   --seeds=1,2,3  --labels=10,100 (per class)  --finetune-epochs=100,50 (per budget)
//   --objective=contrastive (autoencoder, denoising, gan)  --encoder=dense:256,128 (conv:16,32,64)
//   --pretrain-epochs=30  --pretrain-batch=256  --temperature=0.2  --augmentation=light (off, strong;
//   used by both stages)  --backend=wasm  --head-epochs=0 (freeze the
//   pretrained encoder for these first epochs, then unfreeze all at a tenth of the rate)
//   --scratch=same (the encoder's network, random weights) or reference (the reference MLP)
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.mjs';
import { serveDist } from './serve.mjs';
import { runToEnd } from './studio-run.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const list = (name, fallback) => arg(name, fallback).split(',');
const seeds = list('seeds', '1,2,3').map(Number);
const budgets = list('labels', '10,100');
const ftEpochs = list('finetune-epochs', '100,50');
const objective = arg('objective', 'contrastive');
const [encoderKind, encoderWidths] = arg('encoder', 'dense:256,128').split(':');
const ptEpochs = arg('pretrain-epochs', '30');
const ptBatch = arg('pretrain-batch', objective === 'contrastive' ? '256' : '32');
const temperature = arg('temperature', '0.2');
const augmentation = arg('augmentation', 'light');
const backend = arg('backend', 'wasm');
const headEpochs = arg('head-epochs', '0');
const scratch = arg('scratch', 'same');

const server = await serveDist();
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const run = () => runToEnd(page);
const set = async (id, value) => page.getByTestId(id).fill(String(value));
const pct = (v) => `${(v * 100).toFixed(1)}%`;

try {
  await page.goto(`${server.url}/?dataset=mnist`);
  await page.locator('[data-testid="dataset-summary"][data-name="mnist"]').waitFor();
  await page.getByTestId('backend').selectOption(backend);
  await page.getByTestId('augmentation').selectOption(augmentation);
  const rows = [];
  for (const seed of seeds) {
    await set('seed', seed);
    await page.getByTestId('stage-pretrain').click();
    await page.getByTestId('pretrain-objective').selectOption(objective);
    await page.getByTestId('augmentation').selectOption(augmentation);
    await page.getByTestId('encoder-kind').selectOption(encoderKind);
    await set('encoder-widths', encoderWidths.replaceAll(',', ', '));
    if (objective === 'contrastive') await set('temperature', temperature);
    await set('epochs', ptEpochs);
    await set('batch-size', ptBatch);
    await set('learning-rate', objective === 'gan' ? 0.0002 : 0.001);
    const ptSeconds = await run();
    await page.getByTestId('stage-finetune').click();
    const encoder = await page.getByTestId('init-from').locator('option').last().getAttribute('value');
    await page.getByTestId('label-budget').selectOption('perClass');
    await set('batch-size', 32);
    await set('learning-rate', 0.001);
    for (const [i, labels] of budgets.entries()) {
      await set('labels-per-class', labels);
      await set('epochs', ftEpochs[i] ?? ftEpochs.at(-1));
      const accuracy = async (arm) => {
        await page.getByTestId('init-from').selectOption(arm === 'reference' ? 'scratch' : encoder);
        if (arm !== 'reference')
          await page.getByTestId('encoder-init').selectOption(arm === 'pretrained' ? 'pretrained' : 'random');
        await set('head-epochs', arm === 'pretrained' ? headEpochs : 0);
        await run();
        return Number(await page.getByTestId('metrics').getAttribute('data-accuracy'));
      };
      const pretrained = await accuracy('pretrained');
      const control = await accuracy(scratch === 'same' ? 'random' : 'reference');
      rows.push({ seed, labels, pretrained, control });
      console.log(
        `seed ${seed}, ${labels} labels/class: pretrained ${pct(pretrained)}, scratch ${pct(control)} ` +
          `(${objective} ${ptEpochs} epochs in ${ptSeconds.toFixed(0)} s, ${(ptSeconds / Number(ptEpochs)).toFixed(1)} s/epoch)`,
      );
    }
  }
  console.log(
    `\nDigits, ${objective} encoder ${encoderKind} ${encoderWidths}, augmentation ${augmentation}, ${backend}, ` +
      `${seeds.length} seeds, test split; scratch = ${scratch === 'same' ? 'the same network, random weights' : 'the reference MLP'}:`,
  );
  for (const labels of budgets) {
    const r = rows.filter((x) => x.labels === labels);
    const mean = (k) => r.reduce((s, x) => s + x[k], 0) / r.length;
    const each = (k) => r.map((x) => (x[k] * 100).toFixed(1)).join(' / ');
    console.log(
      `  ${labels} labels/class: pretrained ${pct(mean('pretrained'))} (${each('pretrained')}), ` +
        `scratch ${pct(mean('control'))} (${each('control')}), difference ${((mean('pretrained') - mean('control')) * 100).toFixed(1)} points`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
