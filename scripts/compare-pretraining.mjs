// npm run compare: does pretraining pay, measured in the studio itself. For each seed, on MNIST:
// pretrain an autoencoder (784-128-784, 5 epochs), then fine-tune the reference model with only
// 100 labels per class starting from its encoder, and again from scratch (same epochs, same
// label budget); prints the test accuracy of each. Options: --seeds=1,2,3 --labels=100
// --finetune-epochs=30 --pretrain-epochs=5 --objective=autoencoder --backend=wasm
// --head-epochs=0 (freeze the encoder for these first epochs of the pretrained run, then unfreeze
// all at a tenth of the rate; scratch runs never freeze)
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.mjs';
import { serveDist } from './serve.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const labels = arg('labels', '100');
const ftEpochs = arg('finetune-epochs', '30');
const ptEpochs = arg('pretrain-epochs', '5');
const objective = arg('objective', 'autoencoder');
const backend = arg('backend', 'wasm');
const headEpochs = arg('head-epochs', '0');

const server = await serveDist();
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const done = () =>
  page.waitForFunction(
    () =>
      ['done', 'stopped', 'error'].includes(
        document.querySelector('[data-testid="train-status"]')?.getAttribute('data-state') ?? '',
      ),
    null,
    {
      timeout: 900_000,
      polling: 250,
    },
  );
const run = async () => {
  await page.getByTestId('train-start').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="train-status"]')?.getAttribute('data-state') !== 'done',
  );
  await done();
  const state = await page.getByTestId('train-status').getAttribute('data-state');
  if (state !== 'done') throw new Error(`run ended ${state}: ${await page.getByRole('alert').allTextContents()}`);
};
const set = async (id, value) => page.getByTestId(id).fill(String(value));

try {
  await page.goto(`${server.url}/?dataset=mnist`);
  await page.locator('[data-testid="dataset-summary"][data-name="mnist"]').waitFor();
  await page.getByTestId('backend').selectOption(backend);
  await set('batch-size', 32);
  const rows = [];
  for (const seed of seeds) {
    await set('seed', seed);
    await page.getByTestId('stage-pretrain').click();
    await page.getByTestId('pretrain-objective').selectOption(objective);
    await set('epochs', ptEpochs);
    await set('learning-rate', objective === 'gan' ? 0.0002 : 0.001);
    await run();
    await page.getByTestId('stage-finetune').click();
    const encoder = await page.getByTestId('init-from').locator('option').last().getAttribute('value');
    await page.getByTestId('label-budget').selectOption('perClass');
    await set('labels-per-class', labels);
    await set('epochs', ftEpochs);
    await set('learning-rate', 0.001);
    const accuracy = async (init) => {
      await page.getByTestId('init-from').selectOption(init);
      await set('head-epochs', init === 'scratch' ? 0 : headEpochs);
      await run();
      return Number(await page.getByTestId('metrics').getAttribute('data-accuracy'));
    };
    const pretrained = await accuracy(encoder);
    const scratch = await accuracy('scratch');
    rows.push({ seed, pretrained, scratch });
    console.log(
      `seed ${seed}: from ${objective} encoder ${(pretrained * 100).toFixed(1)}%, from scratch ${(scratch * 100).toFixed(1)}%`,
    );
  }
  const mean = (k) => rows.reduce((s, r) => s + r[k], 0) / rows.length;
  console.log(
    `\nMNIST, ${labels} labels per class, ${ftEpochs} fine-tuning epochs, ${seeds.length} seeds, test split of 2,000:\n` +
      `  from ${objective} encoder (${ptEpochs} pretraining epochs${headEpochs !== '0' ? `, encoder frozen for ${headEpochs} epochs` : ''}): ${(mean('pretrained') * 100).toFixed(1)}%\n` +
      `  from scratch:                              ${(mean('scratch') * 100).toFixed(1)}%`,
  );
} finally {
  await browser.close();
  await server.close();
}
