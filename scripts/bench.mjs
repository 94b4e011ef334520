// npm run bench: measures the studio in headless Chromium and prints figures and ratios.
//  1. Engine: the studio's training loop against plain tfjs model.fit on every backend, for the
//     reference MLP and a small CNN (same model, batch size and data; paired, interleaved runs),
//     and the time to the first batch.
//  2. App: main-thread long tasks (>50 ms) while the page opens (fresh pages, bench/pageOpen.mjs);
//     then the real page trains the reference model on each backend and on `auto`: samples per
//     second as the app reports them, and main-thread long tasks during training (goal: none),
//     with each one's main-thread CPU time from a trace of the same run (bench/taskCpu.mjs).
//  3. CSV: a synthetic 100 MB table loaded by the app (parse, infer, encode, split) against plain
//     papaparse on the same file in a worker; MB/s of each, their ratio (goal >= 0.8), peak heaps
//     and main-thread long tasks (bench/csv.mjs).
//  4. Augment: the studio's loop on the digits with augmentation off vs the `light` preset (MLP and
//     CNN; paired, interleaved rounds, the second of two epochs timed): samples/s of each and the
//     added epoch time (median of the rounds' paired ratios); then contrastive pretraining epochs
//     (strong augmentation, batch 256, temperature 0.2; dense 256-128 and conv 16-32-64 encoders) on
//     a subset of the digits: seconds of the steps per 1,000 rows, the per-epoch fixed cost (held-out
//     loss, snapshot), and an 8,000-row epoch extrapolated. A probe step (after an untimed one) sizes
//     each case; a case that would not fit its budget is skipped with the estimate.
//  5. Text: masked-language-model steps of the Transformer (width 64, 2 blocks, the app's default)
//     on the built-in mail corpus, per backend: real tokens (not padding) per second, and the
//     tokenizer's training time on the corpus.
//  6. Images: a zip of 20,000 small PNGs loaded by the app against plain createImageBitmap decoding
//     in a worker (goal >= 0.7x), peak memory, and a training epoch on the set (bench/images.mjs).
//  7. Threads: WASM with N threads against one, paired rounds in fresh workers, for the reference
//     MLP at batch 32 and 256 and each pretraining objective, with a per-kernel profile of one step
//     (bench/threads.mjs; goal >= 1.3x at batch 256 on 2 cores).
//  8. Names: a short-text column fine-tuned on wasm with the text length fitted to the data against
//     128 tokens (and, with --names-baseline=DIR, an earlier build): seconds per epoch, the ratio
//     (goal >= 10x) and test accuracy (bench/names.mjs).
//  9. Semi: the price of semi-supervised fine-tuning against supervised on the digits, 10 labels a
//     class, wasm, the page's defaults: seconds per epoch, per step, per row read (bench/semi.mjs).
// 10. Conv: the small CNN's training steps per backend (wasm ÷ cpu, wasm ÷ webgl) and a contrastive
//     epoch of the conv encoder on wasm over 8,000 digits (bench/conv.mjs).
// 11. Explain: attributions where one part of the input decides the class; share of attribution
//     on it per method, the randomization check, milliseconds per explanation per backend
//     (bench/explain.mjs).
// Not part of npm test: timings on shared machines are noisy, so nothing here asserts.
// Options: --quick (fewer rounds, shorter runs), --backends=webgl,wasm, --models=mlp,
//          --only=engine,app,csv,augment,text,images,threads,names,semi,conv,explain, --csv-mb=100, --rounds=4, --seconds=3,
//          --app-epochs=1, --open-trials=5; images and threads: see their modules' headers.
//   augment: --rounds=2, --seconds=1.5 (target per un-augmented epoch), --augment-budget=75 (s per
//          case), --encoders=dense,conv, --pretrain-rows=2048 (most rows per epoch),
//          --pretrain-seconds=2.5 (target per epoch), --pretrain-epochs=3 (timed, after one untimed),
//          --pretrain-max-step=8 (s; slower encoders are skipped). --quick: --seconds=1,
//          --augment-budget=35, --pretrain-seconds=1.5, --pretrain-epochs=2, --pretrain-max-step=5.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.mjs';
import { serveDist } from './serve.mjs';
import { LONG_TASKS, arg, f, longTasksBetween, median, pad, quick } from './bench/common.mjs';
import { benchCsv } from './bench/csv.mjs';
import { pageOpenLongTasks } from './bench/pageOpen.mjs';
import { startTaskTrace, stopTaskTrace } from './bench/taskCpu.mjs';
import { startAndWait } from './studio-run.mjs';
import { benchImages } from './bench/images.mjs';
import { benchThreads } from './bench/threads.mjs';
import { benchNames } from './bench/names.mjs';
import { benchSemi } from './bench/semi.mjs';
import { benchConv } from './bench/conv.mjs';
import { benchExplain } from './bench/explain.mjs';
const backends = arg('backends', 'webgpu,webgl,wasm,cpu').split(',');
const models = arg('models', 'mlp,cnn').split(',');
const rounds = Number(arg('rounds', quick ? 2 : 4));
const secondsPerRun = Number(arg('seconds', quick ? 1.5 : 3));
const appEpochs = Number(arg('app-epochs', 1));
// Section 4 has its own defaults (it must stay within a few minutes on a small machine);
// --rounds and --seconds override them too.
const augRounds = Number(arg('rounds', 2));
const augSeconds = Number(arg('seconds', quick ? 1 : 1.5));
const augBudget = Number(arg('augment-budget', quick ? 35 : 75));
const encoders = arg('encoders', 'dense,conv').split(',');
const pretrainRows = Number(arg('pretrain-rows', 2048));
const pretrainSeconds = Number(arg('pretrain-seconds', quick ? 1.5 : 2.5));
const pretrainEpochs = Number(arg('pretrain-epochs', quick ? 2 : 3));
const pretrainMaxStep = Number(arg('pretrain-max-step', quick ? 5 : 8));

const server = await serveDist();
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
const results = {
  date: new Date().toISOString(),
  chromium: browser.version(),
  engine: [],
  app: [],
  augment: [],
  contrastive: [],
  mlm: [],
};
const only = arg('only', 'engine,app,csv,augment,text,images,threads,names,semi,conv,explain').split(',');

/** 1. The studio's loop against plain model.fit, per backend and model. */
async function benchEngine() {
  console.log(`\n1. Studio loop vs plain model.fit (median of ${rounds} paired rounds, batch 32)`);
  const bench = await browser.newPage();
  bench.on('console', (m) => m.type() === 'log' && process.stdout.write(`   · ${m.text()}\n`));
  await bench.goto(`${server.url}/bench.html`);
  await bench.waitForFunction(() => 'runBenchCase' in window);
  for (const model of models) {
    for (const backend of backends) {
      results.engine.push(
        await bench.evaluate((c) => window.runBenchCase(c), { backend, model, batchSize: 32, rounds, secondsPerRun }),
      );
    }
  }
  console.log(
    `\n${pad('model', 6)}${pad('backend', 9)}${pad('samples', 9)}${pad('first batch', 13)}${pad('loop/s', 9)}${pad('fit/s', 9)}ratio`,
  );
  for (const r of results.engine) {
    if (r.error) {
      console.log(`${pad(r.model, 6)}${pad(r.backend, 9)}skipped: ${r.error}`);
      continue;
    }
    const loop = median(r.loopSamplesPerSec);
    const fit = median(r.fitSamplesPerSec);
    r.ratio = loop / fit;
    console.log(
      `${pad(r.model, 6)}${pad(r.backend, 9)}${pad(r.samples, 9)}${pad(`${f(r.firstBatchSeconds, 2)} s`, 13)}${pad(f(loop), 9)}${pad(f(fit), 9)}${f(r.ratio, 2)}`,
    );
  }
}

/** 2. The real app on each backend and on auto, with main-thread long tasks. */
async function benchApp() {
  console.log(`\n2. The app: page open, then the reference MLP on MNIST, ${appEpochs} epoch(s), batch 32`);
  await pageOpenLongTasks({ browser, server, results });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(LONG_TASKS);
  await page.goto(`${server.url}/?dataset=mnist`);
  await page.getByTestId('dataset-summary').waitFor();
  for (const backend of [...backends, 'auto']) {
    await page.getByTestId('epochs').fill(String(appEpochs));
    await page.getByTestId('batch-size').fill('32');
    await page.getByTestId('backend').selectOption(backend);
    await startTaskTrace(browser, page);
    let traced;
    const t0 = await page.evaluate(() => performance.now());
    const wall0 = Date.now();
    const status = page.getByTestId('train-status');
    try {
      await startAndWait(page);
    } finally {
      traced = await stopTaskTrace(browser);
    }
    const t1 = await page.evaluate(() => performance.now());
    const tasks = await longTasksBetween(page, t0, t1);
    const row = {
      backend,
      active: await page.getByTestId('backend-active').getAttribute('data-backend'),
      state: await status.getAttribute('data-state'),
      samplesPerSec: Number(await status.getAttribute('data-samples-per-sec')),
      seconds: (Date.now() - wall0) / 1000,
      longTasks: tasks.length,
      longTaskMs: tasks.reduce((s, t) => s + t.duration, 0),
      longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
      // The same run's trace: tasks over 50 ms (wall) and the main thread's CPU time in each.
      tracedLongTasks: traced.tasks,
      traceError: traced.error,
      longTasksOver50msCpu: traced.tasks.filter((t) => t.cpuMs > 50).length,
      longTasksCpuUnknown: traced.error ? NaN : traced.tasks.filter((t) => Number.isNaN(t.cpuMs)).length,
      reason: await page.getByTestId('backend-reason').textContent(),
    };
    results.app.push(row);
    console.log(
      `   ${pad(backend, 8)}-> ${pad(row.active, 8)}${pad(row.state, 7)}${pad(`${f(row.samplesPerSec)} samples/s`, 18)}${pad(`${f(row.seconds, 1)} s`, 9)}long tasks: ${row.longTasks} (${f(row.longTaskMs)} ms, longest ${f(row.longestTaskMs)} ms)` +
        (traced.error ? `; ${traced.error}` : '') +
        (traced.tasks.length
          ? `; traced: ${traced.tasks.map((t) => `${f(t.wallMs)} ms (cpu ${f(t.cpuMs)})`).join(', ')}`
          : ''),
    );
    await page
      .getByRole('button', { name: 'Dismiss' })
      .click()
      .catch(() => undefined);
  }
  const training = results.app.reduce((n, r) => n + r.longTasks, 0);
  const ownWork = results.app.reduce((n, r) => n + r.longTasksOver50msCpu, 0);
  const unknown = results.app.reduce((n, r) => n + r.longTasksCpuUnknown, 0);
  console.log(
    `\n   long tasks while training, all backends: ${training} (goal 0), longest ${f(Math.max(...results.app.map((r) => r.longestTaskMs)))} ms;` +
      ` with over 50 ms of main-thread CPU (traced): ${unknown === 0 ? ownWork : `n/a (${Number.isNaN(unknown) ? 'a trace failed' : `${unknown} without thread time`})`}`,
  );
  const explicit = results.app.filter((r) => r.backend !== 'auto' && r.state === 'done');
  const fastest = explicit.reduce((a, b) => (b.samplesPerSec > a.samplesPerSec ? b : a), explicit[0]);
  const auto = results.app.find((r) => r.backend === 'auto');
  if (fastest && auto) {
    results.autoRatio = auto.samplesPerSec / fastest.samplesPerSec;
    console.log(
      `\n   auto picked ${auto.active} at ${f(auto.samplesPerSec)} samples/s; fastest explicit: ${fastest.backend} at ${f(fastest.samplesPerSec)} samples/s; ratio ${f(results.autoRatio, 2)} (target >= 0.90)`,
    );
    console.log(`   auto's reason: ${auto.reason}`);
  }
}

const ENCODERS = {
  dense: { kind: 'dense', widths: [256, 128] },
  conv: { kind: 'conv', widths: [16, 32, 64], globalPool: true },
};
const encoderName = (e) => `${e.kind} ${e.widths.join('-')}`;
const percent = (v) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(0)}%` : '–');

/** 4. Augmentation: its cost on a fine-tuning epoch, and contrastive pretraining epochs. */
async function benchAugment() {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'log' && process.stdout.write(`   · ${m.text()}\n`));
  await page.goto(`${server.url}/bench.html`);
  await page.waitForFunction(() => 'runAugmentCase' in window);

  console.log(
    `\n4a. Fine-tuning epoch, augmentation off vs light (studio loop, batch 32, median of ${augRounds} paired rounds)`,
  );
  for (const backend of backends) {
    for (const model of models) {
      results.augment.push(
        await page.evaluate((c) => window.runAugmentCase(c), {
          backend,
          model,
          batchSize: 32,
          rounds: augRounds,
          secondsPerRun: augSeconds,
          budgetSeconds: augBudget,
        }),
      );
    }
  }
  console.log(
    `\n${pad('model', 6)}${pad('backend', 9)}${pad('samples', 9)}${pad('off/s', 9)}${pad('light/s', 9)}epoch time light ÷ off`,
  );
  for (const r of results.augment) {
    if (r.error) {
      console.log(`${pad(r.model, 6)}${pad(r.backend, 9)}skipped: ${r.error}`);
      continue;
    }
    // Epoch time is samples / rate; each round's pair gives one ratio, and the median of those is shown.
    r.added = median(r.offSamplesPerSec.map((off, i) => off / r.lightSamplesPerSec[i])) - 1;
    console.log(
      `${pad(r.model, 6)}${pad(r.backend, 9)}${pad(r.samples, 9)}${pad(f(median(r.offSamplesPerSec)), 9)}${pad(f(median(r.lightSamplesPerSec)), 9)}${percent(r.added)}`,
    );
  }

  console.log(
    `\n4b. Contrastive pretraining epoch (strong augmentation, batch 256, temperature 0.2; median of ${pretrainEpochs} epochs after one untimed)`,
  );
  for (const backend of backends) {
    for (const name of encoders) {
      results.contrastive.push(
        await page.evaluate((c) => window.runContrastiveCase(c), {
          backend,
          encoder: ENCODERS[name],
          batchSize: 256,
          maxRows: Math.max(256, pretrainRows),
          secondsPerEpoch: pretrainSeconds,
          epochs: pretrainEpochs,
          maxStepSeconds: pretrainMaxStep,
        }),
      );
    }
  }
  console.log(
    `\n${pad('encoder', 14)}${pad('backend', 9)}${pad('rows', 6)}${pad('steps s', 9)}${pad('epoch s', 9)}${pad('s/1,000 rows', 14)}${pad('fixed s', 9)}8,000-row epoch`,
  );
  for (const r of results.contrastive) {
    if (r.error) {
      console.log(`${pad(encoderName(r.encoder), 14)}${pad(r.backend, 9)}skipped: ${r.error}`);
      continue;
    }
    const steps = median(r.trainSeconds);
    const epoch = median(r.epochSeconds);
    r.secondsPer1000 = (steps * 1000) / r.rows;
    // The held-out loss and the snapshot cost the same whatever the epoch's size.
    r.fixedSeconds = Math.max(0, epoch - steps);
    r.epoch8000 = r.secondsPer1000 * 8 + r.fixedSeconds;
    console.log(
      `${pad(encoderName(r.encoder), 14)}${pad(r.backend, 9)}${pad(r.rows, 6)}${pad(f(steps, 2), 9)}${pad(f(epoch, 2), 9)}${pad(f(r.secondsPer1000, 2), 14)}${pad(f(r.fixedSeconds, 2), 9)}${f(r.epoch8000, 1)} s`,
    );
  }
  const webgl = results.augment.filter((r) => r.backend === 'webgl' && Number.isFinite(r.added));
  if (webgl.length)
    console.log(
      `\n   webgl: light augmentation adds ${webgl.map((r) => `${percent(r.added)} (${r.model})`).join(', ')} to a fine-tuning epoch (target <= +30%)`,
    );
  await page.close();
}

/** 5. Text: MLM pretraining steps per backend, and the tokenizer's training time. */
async function benchText() {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'log' && process.stdout.write(`   · ${m.text()}\n`));
  await page.goto(`${server.url}/bench.html`);
  await page.waitForFunction(() => 'runMlmCase' in window);
  const maxLength = Number(arg('text-length', '128'));
  console.log(
    `\n5. MLM pretraining on the mail corpus (Transformer width 64, 4 heads, 2 blocks, MLP 128; vocabulary 4,000; ${maxLength} tokens; batch 32; median of ${quick ? 4 : 8} steps after 2 untimed)`,
  );
  console.log(`\n${pad('backend', 9)}${pad('s/step', 9)}tokens/s`);
  for (const backend of backends) {
    // One line per backend as it ends: a software GPU can take minutes per step.
    const r = await page.evaluate((c) => window.runMlmCase(c), {
      backend,
      text: { width: 64, heads: 4, layers: 2, mlpWidth: 128, pooling: 'mean', dropout: 0.1 },
      vocabSize: 4000,
      maxLength,
      batchSize: 32,
      steps: quick ? 4 : 8,
    });
    results.mlm.push(r);
    if (r.error) {
      console.log(`${pad(r.backend, 9)}skipped: ${r.error}`);
      continue;
    }
    r.tokensPerSec = median(r.stepTokens.map((t, i) => t / r.stepSeconds[i]));
    console.log(`${pad(r.backend, 9)}${pad(f(median(r.stepSeconds), 3), 9)}${f(r.tokensPerSec)}`);
  }
  const ok = results.mlm.find((r) => !r.error);
  if (ok)
    console.log(
      `   tokenizer: BPE of 4,000 tokens learned from the corpus's training split (${ok.mails} mails, ${f(ok.meanTokens, 1)} tokens each on average) in ${f(ok.tokenizerSeconds, 2)} s`,
    );
  await page.close();
}

try {
  const info = await browser.newPage();
  await info.goto(`${server.url}/bench.html`);
  const adapter = await info.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter();
    return a
      ? {
          vendor: a.info.vendor,
          architecture: a.info.architecture,
          description: a.info.description,
          isFallbackAdapter: a.info.isFallbackAdapter,
        }
      : null;
  });
  results.adapter = adapter;
  console.log(
    `Chromium ${results.chromium}; WebGPU adapter: ${adapter ? `${adapter.vendor} ${adapter.architecture}${adapter.isFallbackAdapter ? ' (software fallback)' : ''}` : 'none'}`,
  );
  if (only.includes('engine')) await benchEngine();
  if (only.includes('app')) await benchApp();
  if (only.includes('csv')) await benchCsv({ browser, server, results });
  if (only.includes('augment')) await benchAugment();
  if (only.includes('text')) await benchText();
  if (only.includes('images')) await benchImages({ browser, server, results });
  if (only.includes('threads')) await benchThreads({ browser, server, results });
  if (only.includes('names')) await benchNames({ browser, server, results });
  if (only.includes('semi')) await benchSemi({ browser, server, results });
  if (only.includes('conv')) await benchConv({ browser, server, results });
  if (only.includes('explain')) await benchExplain({ browser, server, results });
  const ratios = results.engine.filter((r) => Number.isFinite(r.ratio)).map((r) => r.ratio);
  if (ratios.length) console.log(`\nSummary: loop/fit ratio min ${f(Math.min(...ratios), 2)} (target >= 1.00)`);
} finally {
  mkdirSync('bench-results', { recursive: true });
  const file = `bench-results/bench-${results.date.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\nFull results: ${file}`);
  await browser.close();
  await server.close();
}
