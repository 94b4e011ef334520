// Section 3 of npm run bench: CSV loading, the studio (parse, infer, encode, split, in its worker)
// against plain papaparse parsing the same file in a worker.
import { existsSync, mkdirSync, openSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LONG_TASKS, arg, f, longTasksBetween, quick } from './common.mjs';

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

/** 3. CSV loading: the studio (parse, infer, encode, split, in its worker) against plain papaparse. */
export async function benchCsv({ browser, server, results }) {
  const file = makeCsv(Number(arg('csv-mb', quick ? 25 : 100)));
  const size = statSync(file).size / 1024 / 1024;
  console.log(`\n3. CSV load: ${size.toFixed(0)} MB, 12 columns (numbers, categories, missing values)`);
  const plainPage = await browser.newPage();
  await plainPage.goto(`${server.url}/bench.html`);
  await plainPage.waitForFunction(() => 'parseCsvPlain' in window);
  await plainPage.locator('#csv').setInputFiles(file);
  const plain = await plainPage.evaluate(() => window.parseCsvPlain());
  await plainPage.close();
  const app = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await app.addInitScript(LONG_TASKS);
  await app.goto(`${server.url}/?dataset=iris`);
  await app.locator('[data-testid="dataset-summary"][data-name="iris"]').waitFor();
  const t0 = await app.evaluate(() => performance.now());
  const started = Date.now();
  await app.getByTestId('dataset-file').setInputFiles(file);
  app.on('crash', () => console.log('   the page crashed while loading the CSV'));
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
  const seconds = (Date.now() - started) / 1000;
  const tasks = await longTasksBetween(app, t0, await app.evaluate(() => performance.now()));
  const rows = Number(await app.getByTestId('dataset-summary').getAttribute('data-rows'));
  results.csv = {
    mb: size,
    rows,
    studioSeconds: seconds,
    plainSeconds: plain.seconds,
    plainRows: plain.rows,
    longTasks: tasks.length,
  };
  console.log(`   studio:          ${f(size / seconds, 1)} MB/s (${f(seconds, 1)} s, ${rows} rows ready to train)`);
  console.log(
    `   plain papaparse: ${f(size / plain.seconds, 1)} MB/s (${f(plain.seconds, 1)} s, ${plain.rows} rows, parse only)`,
  );
  console.log(
    `   studio / plain throughput: ${f(plain.seconds / seconds, 2)}; main-thread long tasks while loading: ${tasks.length}`,
  );
}
