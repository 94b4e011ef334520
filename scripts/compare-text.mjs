// npm run compare:text: does masked-language-model pretraining pay on text, measured in the studio
// itself. On the built-in mail corpus (spam or ham): per seed, pretrain the Transformer by MLM on
// every training and validation mail without labels, then for each label budget fine-tune it and
// the same network from random weights (same layers, epochs, labels); prints test accuracy and
// macro-F1 of each arm, the MLM throughput (tokens/s) and the tokenizer's training time.
// Options (defaults in brackets):
//   --seeds=1,2,3  --labels=10,100 (per class)  --finetune-epochs=40,20 (per budget)
//   --pretrain-epochs=8  --max-length=64  --vocab=4000  --width=64 --heads=4 --layers=2 --mlp=128
//   --backend=wasm  --pretrain-lr=0.001  --finetune-lr=0.0005  --batch=32  --head-epochs=0
//   --arms=pretrained,random (add "semi": semi-supervised fine-tuning from the MLM encoder, FixMatch's
//   SGD at 0.03 and batch 32, with --semi-epochs=9, --semi-ratio=3 unlabelled mails per labelled one
//   and --semi-threshold=0.95)
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.mjs';
import { serveDist } from './serve.mjs';
import { runToEnd } from './studio-run.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const list = (name, fallback) => arg(name, fallback).split(',');
const seeds = list('seeds', '1,2,3').map(Number);
const budgets = list('labels', '10,100');
const ftEpochs = list('finetune-epochs', '40,20');
const ptEpochs = arg('pretrain-epochs', '8');
const backend = arg('backend', 'wasm');
const batch = arg('batch', '32');
const headEpochs = arg('head-epochs', '0');
const arms = list('arms', 'pretrained,random');

const server = await serveDist();
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const run = () => runToEnd(page);
const set = async (id, value) => {
  await page.getByTestId(id).fill(String(value));
  await page.getByTestId(id).blur();
};
const num = async (id, name) => Number(await page.getByTestId(id).getAttribute(name));
const pct = (v) => `${(v * 100).toFixed(1)}%`;

try {
  await page.goto(`${server.url}/?dataset=spam`);
  await page.locator('[data-testid="dataset-summary"][data-name="spam"]').waitFor({ timeout: 120_000 });
  await set('text-vocab', arg('vocab', '4000'));
  await set('text-max-length', arg('max-length', '64'));
  await page.locator(`[data-testid="dataset-summary"][data-features="${arg('max-length', '64')}"]`).waitFor();
  const tokenizerMs = await num('text-summary', 'data-tokenizer-ms');
  const meanTokens = await num('text-summary', 'data-mean-tokens');
  const truncated = await num('text-summary', 'data-truncated');
  const vocab = await num('text-summary', 'data-vocab');
  const rowsTotal = await num('dataset-summary', 'data-rows');
  console.log(
    `spam: ${rowsTotal} mails; tokenizer (BPE, ${vocab} tokens) learned in ${tokenizerMs} ms; ` +
      `${meanTokens.toFixed(1)} tokens per mail on average (after [CLS], cut at ${arg('max-length', '64')}); ${truncated} cut`,
  );
  await page.getByTestId('backend').selectOption(backend);
  const rows = [];
  for (const seed of seeds) {
    await set('seed', seed);
    await page.getByTestId('stage-pretrain').click();
    await page.getByTestId('pretrain-objective').selectOption('mlm');
    await set('text-width', arg('width', '64'));
    await set('text-heads', arg('heads', '4'));
    await set('text-layers', arg('layers', '2'));
    await set('text-mlp', arg('mlp', '128'));
    await set('epochs', ptEpochs);
    await set('batch-size', batch);
    await set('learning-rate', arg('pretrain-lr', '0.001'));
    const ptSeconds = await run();
    const perplexity = await num('mlm-fills', 'data-perplexity');
    // Every mail but the test split (15%) is pretrained on; tokens counted without padding.
    const tokensPerSecond = (Math.round(rowsTotal * 0.85) * meanTokens * Number(ptEpochs)) / ptSeconds;
    await page.getByTestId('stage-finetune').click();
    const encoder = await page.getByTestId('init-from').locator('option').last().getAttribute('value');
    await page.getByTestId('label-budget').selectOption('perClass');
    await set('batch-size', 16);
    await set('learning-rate', arg('finetune-lr', '0.0005'));
    for (const [i, labels] of budgets.entries()) {
      await set('labels-per-class', labels);
      await set('epochs', ftEpochs[i] ?? ftEpochs.at(-1));
      const score = async (arm) => {
        await page.getByTestId('init-from').selectOption(encoder);
        await page.getByTestId('encoder-init').selectOption(arm);
        await set('head-epochs', arm === 'pretrained' ? headEpochs : 0);
        await run();
        return { accuracy: await num('metrics', 'data-accuracy'), f1: await num('metrics', 'data-macro-f1') };
      };
      const pretrained = await score('pretrained');
      const control = arms.includes('random') ? await score('random') : { accuracy: NaN, f1: NaN };
      let semi = null;
      if (arms.includes('semi')) {
        await page.getByTestId('finetune-method').selectOption('semi-supervised');
        await set('ssl-ratio', arg('semi-ratio', '3'));
        await set('ssl-threshold', arg('semi-threshold', '0.95'));
        await set('learning-rate', 0.03);
        await set('batch-size', 32);
        await set('epochs', arg('semi-epochs', '9'));
        const started = performance.now();
        semi = await score('pretrained');
        semi.seconds = (performance.now() - started) / 1000;
        semi.steps = await num('stage-steps', 'data-steps');
        semi.maskRate = await num('pseudo-label-chart', 'data-last-mask-rate');
        semi.pseudoAccuracy = await num('pseudo-label-chart', 'data-last-pseudo-accuracy');
        console.log(
          `seed ${seed}, ${labels} labels/class: semi-supervised from MLM ${pct(semi.accuracy)} (F1 ${semi.f1.toFixed(3)}), ` +
            `${semi.steps} steps in ${semi.seconds.toFixed(0)} s; last epoch: ${pct(semi.maskRate)} past the threshold, ` +
            `${pct(semi.pseudoAccuracy)} of those right`,
        );
        await page.getByTestId('finetune-method').selectOption('supervised');
        await set('batch-size', 16);
        await set('learning-rate', arg('finetune-lr', '0.0005'));
      }
      rows.push({ seed, labels, pretrained, control, semi });
      console.log(
        `seed ${seed}, ${labels} labels/class: MLM ${pct(pretrained.accuracy)} (F1 ${pretrained.f1.toFixed(3)}), ` +
          `scratch ${pct(control.accuracy)} (F1 ${control.f1.toFixed(3)}); MLM ${ptEpochs} epochs in ${ptSeconds.toFixed(0)} s, ` +
          `${Math.round(tokensPerSecond)} tokens/s with evaluation, held-out perplexity ${perplexity.toFixed(1)}`,
      );
    }
  }
  console.log(
    `\nSpam or ham (SpamAssassin), MLM Transformer width ${arg('width', '64')}, ${arg('layers', '2')} blocks, ` +
      `${backend}, ${seeds.length} seeds, test split; scratch = the same network, random weights:`,
  );
  for (const labels of budgets) {
    const r = rows.filter((x) => x.labels === labels);
    const mean = (arm, k) => r.reduce((s, x) => s + x[arm][k], 0) / r.length;
    const each = (arm) => r.map((x) => (x[arm].accuracy * 100).toFixed(1)).join(' / ');
    console.log(
      `  ${labels} labels/class: MLM ${pct(mean('pretrained', 'accuracy'))} (${each('pretrained')}; macro-F1 ` +
        `${mean('pretrained', 'f1').toFixed(3)}), scratch ${pct(mean('control', 'accuracy'))} (${each('control')}; ` +
        `macro-F1 ${mean('control', 'f1').toFixed(3)}), difference ` +
        `${((mean('pretrained', 'accuracy') - mean('control', 'accuracy')) * 100).toFixed(1)} points`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
