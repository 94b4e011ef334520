// npm run bench: measures the studio in headless Chromium and prints figures and ratios.
//  1. Engine: the studio's training loop against plain tfjs model.fit on every backend, for the
//     reference MLP and a small CNN (same model, batch size and data; paired, interleaved runs),
//     and the time to the first batch.
//  2. App: the real page trains the reference model on each backend and on `auto`; samples per
//     second as the app reports them, and main-thread long tasks (>50 ms) during training.
// Not part of npm test: timings on shared machines are noisy, so nothing here asserts.
// Options: --quick (fewer rounds, shorter runs), --backends=webgl,wasm  --models=mlp
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.mjs';
import { serveDist } from './serve.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const quick = process.argv.includes('--quick');
const backends = arg('backends', 'webgpu,webgl,wasm,cpu').split(',');
const models = arg('models', 'mlp,cnn').split(',');
const rounds = Number(arg('rounds', quick ? 2 : 4));
const secondsPerRun = Number(arg('seconds', quick ? 1.5 : 3));
const appEpochs = Number(arg('app-epochs', 1));

const median = (a) => {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const pad = (s, n) => String(s).padEnd(n);

const server = await serveDist();
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
const results = { date: new Date().toISOString(), chromium: browser.version(), engine: [], app: [] };
try {
  const info = await browser.newPage();
  await info.goto(`${server.url}/bench.html`);
  const adapter = await info.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter();
    return a ? { ...a.info, isFallbackAdapter: a.info.isFallbackAdapter } : null;
  });
  results.adapter = adapter;
  console.log(`Chromium ${results.chromium}; WebGPU adapter: ${adapter ? `${adapter.vendor} ${adapter.architecture}${adapter.isFallbackAdapter ? ' (software fallback)' : ''}` : 'none'}`);

  // 1. Engine: studio loop vs model.fit.
  if (!process.argv.includes('--app-only')) {
  console.log(`\n1. Studio loop vs plain model.fit (median of ${rounds} paired rounds, batch 32)`);
  const bench = await browser.newPage();
  bench.on('console', (m) => m.type() === 'log' && process.stdout.write(`   · ${m.text()}\n`));
  await bench.goto(`${server.url}/bench.html`);
  await bench.waitForFunction(() => 'runBenchCase' in window);
  for (const model of models) {
    for (const backend of backends) {
      const row = await bench.evaluate((c) => window.runBenchCase(c), { backend, model, batchSize: 32, rounds, secondsPerRun });
      results.engine.push(row);
    }
  }
  console.log(`\n${pad('model', 6)}${pad('backend', 9)}${pad('samples', 9)}${pad('first batch', 13)}${pad('loop/s', 9)}${pad('fit/s', 9)}ratio`);
  for (const r of results.engine) {
    if (r.error) {
      console.log(`${pad(r.model, 6)}${pad(r.backend, 9)}skipped: ${r.error}`);
      continue;
    }
    const loop = median(r.loopSamplesPerSec);
    const fit = median(r.fitSamplesPerSec);
    r.ratio = loop / fit;
    console.log(`${pad(r.model, 6)}${pad(r.backend, 9)}${pad(r.samples, 9)}${pad(`${f(r.firstBatchSeconds, 2)} s`, 13)}${pad(f(loop), 9)}${pad(f(fit), 9)}${f(r.ratio, 2)}`);
  }

  }

  // 2. The real app: per-backend runs and auto, with long tasks on the main thread.
  console.log(`\n2. The app: reference MLP on MNIST, ${appEpochs} epoch(s), batch 32`);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => ({ start: e.startTime, duration: e.duration })))).observe({
      type: 'longtask',
      buffered: true,
    });
  });
  await page.goto(server.url);
  await page.getByTestId('dataset-summary').waitFor();
  for (const backend of [...backends, 'auto']) {
    await page.getByTestId('epochs').fill(String(appEpochs));
    await page.getByTestId('batch-size').fill('32');
    await page.getByTestId('backend').selectOption(backend);
    const t0 = await page.evaluate(() => performance.now());
    const wall0 = Date.now();
    await page.getByTestId('train-start').click();
    const status = page.getByTestId('train-status');
    await page.waitForFunction(() => ['done', 'stopped', 'error'].includes(document.querySelector('[data-testid="train-status"]')?.getAttribute('data-state') ?? ''), null, { timeout: 600_000, polling: 500 });
    const t1 = await page.evaluate(() => performance.now());
    const state = await status.getAttribute('data-state');
    const rate = Number(await status.getAttribute('data-samples-per-sec'));
    const active = await page.getByTestId('backend-active').getAttribute('data-backend');
    const reason = await page.getByTestId('backend-reason').textContent();
    const tasks = await page.evaluate(([a, b]) => window.__longTasks.filter((t) => t.start >= a && t.start <= b), [t0, t1]);
    const row = { backend, active, state, samplesPerSec: rate, seconds: (Date.now() - wall0) / 1000, longTasks: tasks.length, longTaskMs: tasks.reduce((s, t) => s + t.duration, 0), reason };
    results.app.push(row);
    console.log(`   ${pad(backend, 8)}-> ${pad(active, 8)}${pad(state, 7)}${pad(`${f(rate)} samples/s`, 18)}${pad(`${f(row.seconds, 1)} s`, 9)}long tasks: ${row.longTasks} (${f(row.longTaskMs)} ms)`);
    await page.getByRole('button', { name: 'Dismiss' }).click().catch(() => undefined);
  }
  const explicit = results.app.filter((r) => r.backend !== 'auto' && r.state === 'done');
  const fastest = explicit.reduce((a, b) => (b.samplesPerSec > a.samplesPerSec ? b : a), explicit[0]);
  const auto = results.app.find((r) => r.backend === 'auto');
  if (fastest && auto) {
    results.autoRatio = auto.samplesPerSec / fastest.samplesPerSec;
    console.log(`\n   auto picked ${auto.active} at ${f(auto.samplesPerSec)} samples/s; fastest explicit: ${fastest.backend} at ${f(fastest.samplesPerSec)} samples/s; ratio ${f(results.autoRatio, 2)} (target >= 0.90)`);
    console.log(`   auto's reason: ${auto.reason}`);
  }
  const ratios = results.engine.filter((r) => Number.isFinite(r.ratio));
  console.log(`\nSummary: loop/fit ratio min ${f(Math.min(...ratios.map((r) => r.ratio)), 2)} (target >= 1.00); long tasks during training: ${results.app.reduce((s, r) => s + r.longTasks, 0)}`);
} finally {
  mkdirSync('bench-results', { recursive: true });
  const file = `bench-results/bench-${results.date.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\nFull results: ${file}`);
  await browser.close();
  await server.close();
}
