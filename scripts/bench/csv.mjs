// Section 3 of npm run bench: CSV loading, the studio (parse, infer, encode, split, in its worker)
// against plain papaparse parsing the same file in a worker. Rounds alternate which goes first
// (a shared machine is noisy); the medians are compared. The peak JS heap of each side's page
// and worker is sampled over the DevTools protocol while it loads.
import { existsSync, mkdirSync, openSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LONG_TASKS, arg, f, longTasksBetween, median, quick } from './common.mjs';

/** Studio throughput over plain papaparse's that issue 16 asks for. */
const GOAL = 0.8;

/** A synthetic table of about `mb` megabytes (cached in the temp folder). */
function makeCsv(mb) {
  const file = join(tmpdir(), `pretrain-studio-bench-${mb}mb`, 'bench.csv');
  if (existsSync(file)) return file;
  mkdirSync(join(tmpdir(), `pretrain-studio-bench-${mb}mb`), { recursive: true });
  const fd = openSync(file, 'w');
  writeSync(fd, 'a,b,c,d,e,f,g,city,plan,flag,score,label\n');
  let seed = 1;
  const r = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296;
  const cities = ['Paris', 'Lyon', 'Nice', '"Aix, Provence"', 'Lille'];
  let written = 0;
  while (written < mb * 1024 * 1024) {
    const lines = [];
    for (let i = 0; i < 10000; i++) {
      const v = Array.from({ length: 7 }, () => (r() * 100).toFixed(3));
      if (r() < 0.02) v[2] = 'NA';
      lines.push(
        `${v.join(',')},${cities[Math.floor(r() * 5)]},${r() < 0.5 ? 'basic' : 'pro'},${r() < 0.5 ? 'Y' : 'N'},${(r() * 10).toFixed(2)},${r() < 0.4 ? 'yes' : 'no'}`,
      );
    }
    const chunk = lines.join('\n') + '\n';
    writeSync(fd, chunk);
    written += chunk.length;
  }
  closeSync(fd);
  return file;
}

/**
 * Samples Runtime.getHeapUsage of a page and of its workers (attached through the page's own
 * DevTools session, old-style, so Playwright's sessions are left alone) every `ms` until stopped;
 * the peaks of the JS heap (usedSize) and of the ArrayBuffers outside it (backingStorageSize).
 */
async function heapSampler(page, ms = 40) {
  const cdp = await page.context().newCDPSession(page);
  const workers = new Set();
  const waiting = new Map();
  let next = 1;
  cdp.on('Target.attachedToTarget', (e) => e.targetInfo.type === 'worker' && workers.add(e.sessionId));
  cdp.on('Target.detachedFromTarget', (e) => workers.delete(e.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    waiting.get(m.id)?.(m.result);
    waiting.delete(m.id);
  });
  // A worker that ends (the baseline's is terminated) leaves its last request unanswered.
  const inWorker = (sessionId, method) =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      setTimeout(() => waiting.delete(id) && resolve(undefined), 2000);
      cdp
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) })
        .catch(() => resolve(undefined));
    });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const peak = { page: 0, worker: 0, pageBuffers: 0, workerBuffers: 0 };
  const take = (u, heap, buffers) => {
    if (!u) return;
    peak[heap] = Math.max(peak[heap], u.usedSize);
    peak[buffers] = Math.max(peak[buffers], u.backingStorageSize ?? 0);
  };
  let on = true;
  const loop = (async () => {
    while (on) {
      const [p, ...w] = await Promise.all([
        cdp.send('Runtime.getHeapUsage').catch(() => undefined),
        ...[...workers].map((s) => inWorker(s, 'Runtime.getHeapUsage')),
      ]);
      take(p, 'page', 'pageBuffers');
      // Workers together (the studio has one; the baseline one).
      const sum = (k) => w.reduce((n, u) => n + (u?.[k] ?? 0), 0);
      take({ usedSize: sum('usedSize'), backingStorageSize: sum('backingStorageSize') }, 'worker', 'workerBuffers');
      await new Promise((r) => setTimeout(r, ms));
    }
  })();
  return async () => {
    on = false;
    await loop;
    await cdp.detach().catch(() => undefined);
    return peak;
  };
}

/**
 * An init script: the page's own times of the file being chosen (the input's change event) and of
 * the new dataset's summary appearing. Playwright's waitFor polls at growing intervals (up to half
 * a second), too coarse to time a load by.
 */
const STOPWATCH = () => {
  const watch = (window.__csvStopwatch = { chosen: 0, ready: 0 });
  document.addEventListener('change', () => (watch.chosen = performance.now()), { capture: true });
  new MutationObserver(() => {
    if (watch.chosen && !watch.ready && document.querySelector('[data-testid="dataset-summary"][data-name="bench"]'))
      watch.ready = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true });
};

/** Plain papaparse over the file in a worker: seconds, rows, peak heap. */
async function runPlain(browser, server, file) {
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench.html`);
  await page.waitForFunction(() => 'parseCsvPlain' in window);
  await page.locator('#csv').setInputFiles(file);
  const stop = await heapSampler(page);
  const plain = await page.evaluate(() => window.parseCsvPlain());
  const heap = await stop();
  await page.close();
  return { ...plain, heap };
}

/** The studio loads the file (ready to train: its summary shows): seconds, rows, long tasks, peak heap. */
async function runStudio(browser, server, file) {
  const app = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  app.on('crash', () => console.log('   the page crashed while loading the CSV'));
  await app.addInitScript(LONG_TASKS);
  await app.addInitScript(STOPWATCH);
  await app.goto(`${server.url}/?dataset=iris`);
  await app.locator('[data-testid="dataset-summary"][data-name="iris"]').waitFor();
  const stop = await heapSampler(app);
  const t0 = await app.evaluate(() => performance.now());
  await app.getByTestId('dataset-file').setInputFiles(file);
  await Promise.race([
    app.locator('[data-testid="dataset-summary"][data-name="bench"]').waitFor({ timeout: 600_000 }),
    app
      .getByRole('alert')
      .first()
      .waitFor({ timeout: 600_000 })
      .then(async () => {
        throw new Error(`the app refused the CSV: ${await app.getByRole('alert').first().textContent()}`);
      }),
  ]);
  const { chosen, ready } = await app.evaluate(() => window.__csvStopwatch);
  const seconds = (ready - chosen) / 1000;
  const heap = await stop();
  const tasks = await longTasksBetween(app, t0, await app.evaluate(() => performance.now()));
  const rows = Number(await app.getByTestId('dataset-summary').getAttribute('data-rows'));
  await app.close();
  return { seconds, rows, longTasks: tasks.length, heap };
}

const mb = (bytes) => bytes / 1024 / 1024;

/** 3. CSV loading: the studio (parse, infer, encode, split, in its worker) against plain papaparse. */
export async function benchCsv({ browser, server, results }) {
  const file = makeCsv(Number(arg('csv-mb', quick ? 25 : 100)));
  const size = mb(statSync(file).size);
  const rounds = Number(arg('csv-rounds', 3));
  console.log(
    `\n3. CSV load: ${size.toFixed(0)} MB, 12 columns (numbers, categories, missing values); ${rounds} rounds, alternating`,
  );
  const plain = [];
  const studio = [];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? ['studio', 'plain'] : ['plain', 'studio'];
    for (const which of order) {
      if (which === 'plain') plain.push(await runPlain(browser, server, file));
      else studio.push(await runStudio(browser, server, file));
    }
    console.log(
      `   round ${i + 1}: studio ${f(studio[i].seconds, 2)} s, plain papaparse ${f(plain[i].seconds, 2)} s (${order[0]} first)`,
    );
  }
  const studioSeconds = median(studio.map((r) => r.seconds));
  const plainSeconds = median(plain.map((r) => r.seconds));
  const ratio = plainSeconds / studioSeconds;
  const peak = (runs, k) => Math.max(...runs.map((r) => r.heap[k]));
  const heap = (runs) => ({
    workerJsHeapMB: mb(peak(runs, 'worker')),
    workerArrayBuffersMB: mb(peak(runs, 'workerBuffers')),
    pageJsHeapMB: mb(peak(runs, 'page')),
    pageArrayBuffersMB: mb(peak(runs, 'pageBuffers')),
  });
  const rows = studio[0].rows;
  results.csv = {
    mb: size,
    rows,
    rounds,
    studioSeconds,
    plainSeconds,
    studioRounds: studio.map((r) => r.seconds),
    plainRounds: plain.map((r) => r.seconds),
    plainRows: plain[0].rows,
    ratio,
    goal: GOAL,
    longTasks: Math.max(...studio.map((r) => r.longTasks)),
    studioPeakHeap: heap(studio),
    plainPeakHeap: heap(plain),
  };
  const s = results.csv.studioPeakHeap;
  const p = results.csv.plainPeakHeap;
  console.log(
    `   studio:          ${f(size / studioSeconds, 1)} MB/s (median ${f(studioSeconds, 2)} s, ${rows} rows ready to train)`,
  );
  console.log(
    `   plain papaparse: ${f(size / plainSeconds, 1)} MB/s (median ${f(plainSeconds, 2)} s, ${plain[0].rows} rows, parse only)`,
  );
  console.log(
    `   studio / plain throughput: ${f(ratio, 2)} (goal >= ${GOAL}); main-thread long tasks while loading: ${results.csv.longTasks}`,
  );
  console.log(
    `   peak heap, studio: worker ${f(s.workerJsHeapMB)} MB JS + ${f(s.workerArrayBuffersMB)} MB ArrayBuffers, page ${f(s.pageJsHeapMB)} MB JS`,
  );
  console.log(
    `   peak heap, plain:  worker ${f(p.workerJsHeapMB)} MB JS + ${f(p.workerArrayBuffersMB)} MB ArrayBuffers, page ${f(p.pageJsHeapMB)} MB JS`,
  );
}
