// Section 6 of npm run bench: a zip of many small images (20,000 by default, 32x32 RGB PNGs in 10
// class folders, cached in the temp folder). (a) The app loads it end to end: seconds to ready,
// images/s, main-thread long tasks, and whether the progress line showed a count and a time left;
// (b) plain createImageBitmap decoding of the same zip in a worker (fflate unzipSync + one
// createImageBitmap per image, closed at once; sequential, and with 16 in flight), and the studio's
// own unzip + decode in the same kind of worker; (c) peak memory while the app loads: JS heap used
// by the page and its workers (CDP Runtime.getHeapUsage, sampled every 200 ms) and the resident
// memory of Chromium's renderer processes (/proc, the page and its workers live there); (d) one
// training epoch on the loaded set (MLP on wasm unless told otherwise): samples/s as the app shows.
// Options: --images=20000 (--quick: 4000), --images-backend=wasm, --images-model=mlp,
//          --images-profile (time the old per-image steps one by one in the bench worker, and the
//          studio's old decoding path as a whole, with a pixel checksum against the current one).
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '../png.mjs';
import { startAndWait } from '../studio-run.mjs';
import { zipSync } from 'fflate';
import { LONG_TASKS, arg, f, longTasksBetween, quick } from './common.mjs';

/** Ten patterns, one per class: a shape in a random colour, at a random offset, on a noisy ground. */
const PATTERNS = [
  (x, y) => x * x + y * y < 0.35, // disc
  (x, y) => Math.abs(x) < 0.55 && Math.abs(y) < 0.55, // square
  (x, y) => Math.floor((y + 1) * 4) % 2 === 0, // horizontal stripes
  (x) => Math.floor((x + 1) * 4) % 2 === 0, // vertical stripes
  (x, y) => Math.abs(x - y) < 0.3, // diagonal
  (x, y) => Math.abs(x * x + y * y - 0.4) < 0.15, // ring
  (x, y) => Math.abs(x) < 0.18 || Math.abs(y) < 0.18, // cross
  (x, y) => (Math.floor((x + 1) * 3) + Math.floor((y + 1) * 3)) % 2 === 0, // checker
  (x, y) => y > -0.6 && Math.abs(x) < (y + 0.6) * 0.6, // triangle
  (x, y) => (x + y + 2) / 4 > 0.5, // half
];

/** The zip of `count` side x side PNGs in class folders `images/class_K/` (cached in the temp folder). */
export function makeImageZip(count, side = 32) {
  const dir = join(tmpdir(), `pretrain-studio-bench-images-${count}-${side}`);
  const file = join(dir, 'images.zip');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  let seed = 7;
  const r = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  const files = {};
  for (let i = 0; i < count; i++) {
    const k = i % PATTERNS.length;
    const fg = [r() * 255, r() * 255, r() * 255];
    const bg = fg.map((v) => (v + 80 + r() * 95) % 256);
    const dx = (r() - 0.5) * 0.5;
    const dy = (r() - 0.5) * 0.5;
    const rgb = Buffer.alloc(side * side * 3);
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) {
        const on = PATTERNS[k]((2 * x) / side - 1 - dx, (2 * y) / side - 1 - dy);
        for (let c = 0; c < 3; c++)
          rgb[(y * side + x) * 3 + c] = Math.max(0, Math.min(255, (on ? fg[c] : bg[c]) + (r() - 0.5) * 40));
      }
    files[`images/class_${k}/${String(i).padStart(5, '0')}.png`] = encodePng(side, side, rgb, 3);
  }
  writeFileSync(file, zipSync(files, { level: 6 }));
  return file;
}

/** Resident memory (bytes) of this process's Chromium descendants: renderers, and all of them. */
function chromiumRss() {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone already
    }
  }
  const ours = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = parent.get(p) ?? 0, hops++) if (p === process.pid) return true;
    return false;
  };
  let renderer = 0;
  let all = 0;
  for (const pid of parent.keys()) {
    if (pid === process.pid || !ours(pid)) continue;
    try {
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      all += rss;
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) renderer += rss;
    } catch {
      // gone already
    }
  }
  return { renderer, all };
}

/** Samples the JS heap of the page and its workers, and Chromium's resident memory, until stopped. */
async function memorySampler(browser, page) {
  const cdp = await page.context().newCDPSession(page);
  const root = await browser.newBrowserCDPSession();
  const sessions = new Map(); // worker targetId -> sessionId (non-flat: messages through Target.*)
  const pending = new Map();
  let nextId = 1;
  root.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    pending.get(m.id)?.(m.result);
    pending.delete(m.id);
  });
  const inWorker = (sessionId, method) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      root
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) })
        .catch(() => resolve(undefined));
      setTimeout(() => resolve(undefined), 1000);
    });
  const peak = { pageHeap: 0, workerHeap: 0, heap: 0, rendererRss: 0, chromiumRss: 0 };
  let running = true;
  const sample = async () => {
    const pageHeap = (await cdp.send('Runtime.getHeapUsage').catch(() => ({ usedSize: 0 }))).usedSize;
    let workerHeap = 0;
    const { targetInfos } = await root.send('Target.getTargets');
    for (const t of targetInfos.filter((t) => t.type === 'worker')) {
      if (!sessions.has(t.targetId))
        sessions.set(
          t.targetId,
          (await root.send('Target.attachToTarget', { targetId: t.targetId, flatten: false }).catch(() => ({})))
            .sessionId,
        );
      const sessionId = sessions.get(t.targetId);
      if (sessionId) workerHeap += (await inWorker(sessionId, 'Runtime.getHeapUsage'))?.usedSize ?? 0;
    }
    const rss = chromiumRss();
    peak.pageHeap = Math.max(peak.pageHeap, pageHeap);
    peak.workerHeap = Math.max(peak.workerHeap, workerHeap);
    peak.heap = Math.max(peak.heap, pageHeap + workerHeap);
    peak.rendererRss = Math.max(peak.rendererRss, rss.renderer);
    peak.chromiumRss = Math.max(peak.chromiumRss, rss.all);
  };
  const before = { ...(await sample(), peak) };
  const loop = (async () => {
    while (running) {
      await sample();
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    before,
    async stop() {
      running = false;
      await loop;
      await sample();
      await cdp.detach().catch(() => undefined);
      await root.detach().catch(() => undefined);
      return peak;
    },
  };
}

/** An init script: what the dataset progress line showed, every 100 ms, in window.__progressSeen. */
const WATCH_PROGRESS = () => {
  window.__progressSeen = [];
  setInterval(() => {
    const p = document.querySelector('[data-testid="dataset-progress"]');
    if (!p) return;
    const left = document.querySelector('[data-testid="dataset-time-left"]');
    window.__progressSeen.push({
      t: performance.now(),
      fraction: p.getAttribute('data-fraction'),
      text: p.textContent,
      timeLeft: left?.textContent ?? null,
    });
  }, 100);
};

const MB = (b) => `${f(b / 1024 / 1024)} MB`;

/** 6. A zip of many small images: the app's load against plain decoding; memory; training. */
export async function benchImages({ browser, server, results }) {
  const count = Number(arg('images', quick ? 4000 : 20000));
  const backend = arg('images-backend', 'wasm');
  const model = arg('images-model', 'mlp');
  const started = Date.now();
  const file = makeImageZip(count);
  const made = (Date.now() - started) / 1000;
  const zipMb = statSync(file).size / 1024 / 1024;
  console.log(
    `\n6. Image zip: ${count} PNGs of 32x32 RGB in 10 class folders, ${f(zipMb, 1)} MB${made > 1 ? ` (made in ${f(made, 1)} s)` : ''}; the app's default 28x28 grayscale`,
  );

  // (b) Plain decoding and the studio's own decoding, each in a fresh worker of the bench page.
  const bench = await browser.newPage();
  await bench.goto(`${server.url}/bench.html`);
  await bench.waitForFunction(() => 'decodeImagesPlain' in window);
  await bench.locator('#images').setInputFiles(file);
  const run = (mode, inFlight, pngDecoder) =>
    bench.evaluate(
      ([m, k, p]) => window.decodeImagesPlain(m, undefined, k ?? undefined, p ?? undefined),
      [mode, inFlight, pngDecoder],
    );
  const plain = await run('plain');
  const plainWindow = await run('plainWindow');
  const studioWorker = await run('studio');
  const profiling = process.argv.includes('--images-profile');
  const profile = profiling ? await run('profile') : null;
  // The studio's decoding as it was before section 6: createImageBitmap(Blob) for every image, one at a time.
  const studioOld = profiling ? await run('studio', 1, false) : null;
  await bench.close();
  const steps = (r) =>
    Object.entries(r.steps)
      .map(([k, v]) => `${k} ${f(v, 2)} s`)
      .join(', ');
  console.log(
    `   plain createImageBitmap, 1 at a time: ${f(plain.images / plain.seconds)} images/s (${f(plain.seconds, 1)} s: ${steps(plain)})`,
  );
  console.log(
    `   plain createImageBitmap, 16 at a time: ${f(plainWindow.images / plainWindow.seconds)} images/s (${f(plainWindow.seconds, 1)} s: ${steps(plainWindow)})`,
  );
  console.log(
    `   studio unzip + decode in the same worker: ${f(studioWorker.images / studioWorker.seconds)} images/s (${f(studioWorker.seconds, 1)} s: ${steps(studioWorker)})`,
  );
  if (profile)
    console.log(
      `   the old per-image path, step by step: ${f(profile.images / profile.seconds)} images/s (${steps(profile)})`,
    );
  if (studioOld)
    console.log(
      `   studio decoding as before (Blob path, 1 in flight): ${f(studioOld.images / studioOld.seconds)} images/s (${f(studioOld.seconds, 1)} s: ${steps(studioOld)}); same pixels as now: ${studioOld.checksum === studioWorker.checksum}`,
    );

  // (a, c) The app loads the zip; memory sampled meanwhile.
  const app = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await app.addInitScript(LONG_TASKS);
  await app.addInitScript(WATCH_PROGRESS);
  app.on('crash', () => console.log('   the page crashed while loading the images'));
  await app.goto(`${server.url}/?dataset=iris`);
  await app.locator('[data-testid="dataset-summary"][data-name="iris"]').waitFor();
  const memory = await memorySampler(browser, app);
  const t0 = await app.evaluate(() => performance.now());
  const wall0 = Date.now();
  await app.getByTestId('dataset-file').setInputFiles(file);
  await Promise.race([
    app.locator('[data-testid="dataset-summary"][data-name="images"]').waitFor({ timeout: 600_000 }),
    app
      .getByRole('alert')
      .first()
      .waitFor({ timeout: 600_000 })
      .then(async () => {
        throw new Error(`the app refused the zip: ${await app.getByRole('alert').first().textContent()}`);
      }),
  ]);
  const seconds = (Date.now() - wall0) / 1000;
  const t1 = await app.evaluate(() => performance.now());
  const peak = await memory.stop();
  const tasks = await longTasksBetween(app, t0, t1);
  const rows = Number(await app.getByTestId('dataset-summary').getAttribute('data-rows'));
  const seen = await app.evaluate(() => window.__progressSeen);
  const withTimeLeft = seen.filter((s) => s.timeLeft);
  const phases = [...new Set(seen.map((s) => /^\D*/.exec(s.text ?? '')?.[0].trim()))].filter(Boolean);

  // (d) One epoch on it.
  await app.getByTestId('model-kind').selectOption(model);
  await app.getByTestId('epochs').fill('1');
  await app.getByTestId('batch-size').fill('32');
  await app.getByTestId('backend').selectOption(backend);
  const augmentation = await app.getByTestId('augmentation').inputValue();
  const trainWall = Date.now();
  await startAndWait(app);
  const status = app.getByTestId('train-status');
  const training = {
    model,
    backend,
    active: await app.getByTestId('backend-active').getAttribute('data-backend'),
    augmentation,
    state: await status.getAttribute('data-state'),
    samplesPerSec: Number(await status.getAttribute('data-samples-per-sec')),
    seconds: (Date.now() - trainWall) / 1000,
  };
  await app.close();

  const studioRate = rows / seconds;
  const plainRate = plain.images / plain.seconds;
  const plainWindowRate = plainWindow.images / plainWindow.seconds;
  results.images = {
    images: count,
    zipMb,
    rows,
    studioSeconds: seconds,
    studioImagesPerSec: studioRate,
    plain,
    plainWindow,
    studioWorker,
    profile,
    studioOld,
    ratio: studioRate / plainRate,
    ratioWindow: studioRate / plainWindowRate,
    longTasks: tasks.length,
    longTaskMs: tasks.reduce((s, t) => s + t.duration, 0),
    progress: {
      samples: seen.length,
      phases,
      withTimeLeft: withTimeLeft.length,
      examples: withTimeLeft.filter((_, i) => i % Math.max(1, Math.floor(withTimeLeft.length / 4)) === 0).slice(0, 5),
    },
    memory: { before: memory.before, peak },
    training,
  };
  console.log(
    `   studio (the app, end to end): ${f(studioRate)} images/s (${f(seconds, 1)} s to ready, ${rows} images); main-thread long tasks while loading: ${tasks.length} (${f(results.images.longTaskMs)} ms)`,
  );
  console.log(
    `   studio / plain images/s: ${f(studioRate / plainRate, 2)} (goal >= 0.7); against 16 plain decodes in flight: ${f(studioRate / plainWindowRate, 2)}`,
  );
  console.log(
    `   progress line: phases ${phases.join(', ') || 'none seen'}; a time left shown in ${withTimeLeft.length} of ${seen.length} samples${withTimeLeft[0] ? ` (e.g. "${withTimeLeft[Math.floor(withTimeLeft.length / 2)].text}")` : ''}`,
  );
  console.log(
    `   peak memory while loading: JS heap ${MB(peak.heap)} (page ${MB(peak.pageHeap)}, workers ${MB(peak.workerHeap)}; before: ${MB(memory.before.heap)}); renderer processes resident ${MB(peak.rendererRss)} (before: ${MB(memory.before.rendererRss)}), all Chromium ${MB(peak.chromiumRss)}`,
  );
  console.log(
    `   training, 1 epoch, ${model} on ${backend} (ran on ${training.active}), augmentation ${augmentation}, batch 32: ${f(training.samplesPerSec)} samples/s, ${training.state} in ${f(training.seconds, 1)} s`,
  );
}
