// Section 8 of the bench: a short-text column (about 8,800 first names, f or m; scripts/names.mjs)
// fine-tuned in the studio on wasm, as a user would: the text length fitted to the data (8 tokens)
// with batches cut to their longest text, against the fixed 128 tokens earlier versions used (the
// fitted length switched off, 128 set by hand; batches are still cut to their longest text).
// With --names-baseline=DIR also the build in DIR (an earlier version: 128 tokens, every batch at
// full length), e.g. `git worktree add /tmp/before <commit>`, `npm ci && npm run build` there,
// then --names-baseline=/tmp/before/dist. Same seed and epochs for every arm: seconds per epoch
// (the run's wall time over its epochs), the samples per second the app reports (mean past the
// first fifth of its updates), their ratios (goal >= 10x) and the test accuracy of each. A run that
// does not finish (the earlier build's worker stalls past the heartbeat here) keeps its speed.
// Options: --names-epochs=2 --names-baseline=DIR
import { namesCsv } from '../names.mjs';
import { serveDist } from '../serve.mjs';
import { runToEnd } from '../studio-run.mjs';
import { arg, f, pad } from './common.mjs';

/** Records the samples per second the app reports while training (its mean over the run's updates). */
async function watchSpeed(page) {
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="train-status"]');
    window.__speed = [];
    new MutationObserver(() => {
      const v = Number(el.getAttribute('data-samples-per-sec'));
      if (v > 0) window.__speed.push(v);
    }).observe(el, { attributes: true, attributeFilter: ['data-samples-per-sec'] });
  });
}

async function speed(page) {
  const values = await page.evaluate(() => window.__speed);
  const seen = values.slice(Math.floor(values.length / 5)); // past the first batches' warm-up
  return { samplesPerSec: seen.length ? seen.reduce((a, b) => a + b, 0) / seen.length : NaN };
}

async function arm({ browser, url, name, epochs, fixed }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(`${url}/?dataset=iris`);
    await page.locator('[data-testid="dataset-summary"][data-name="iris"]').waitFor();
    await page
      .getByTestId('dataset-file')
      .setInputFiles({ name: 'names.csv', mimeType: 'text/csv', buffer: Buffer.from(namesCsv()) });
    const summary = page.locator('[data-testid="dataset-summary"][data-name="names"]');
    await summary.waitFor();
    if (fixed) {
      await page.getByTestId('text-length-auto').click(); // applied once the table is read again
      await page.locator('[data-testid="text-length-auto"]:not(:checked)').waitFor();
      await page.getByTestId('text-max-length').fill(String(fixed));
      await page.getByTestId('text-max-length').blur();
      await page.locator(`[data-testid="dataset-summary"][data-features="${fixed}"]`).waitFor();
    }
    const tokens = Number(await summary.getAttribute('data-features'));
    await page.getByTestId('backend').selectOption('wasm');
    await page.getByTestId('stage-finetune').click();
    await page.getByTestId('epochs').fill(String(epochs));
    await page.getByTestId('seed').fill('1');
    const batch = await page.getByTestId('batch-size').inputValue();
    await watchSpeed(page);
    const row = { name, tokens, batch: Number(batch), epochs };
    try {
      const seconds = await runToEnd(page);
      const accuracy = Number(await page.getByTestId('metrics').getAttribute('data-accuracy'));
      return { ...row, ...(await speed(page)), seconds, perEpoch: seconds / epochs, accuracy };
    } catch (e) {
      // The earlier build's worker can stall past the page's heartbeat at 128 tokens: keep its speed.
      return { ...row, ...(await speed(page)), failed: String(e.message).slice(0, 160) };
    }
  } finally {
    await context.close();
  }
}

export async function benchNames({ browser, server, results }) {
  const epochs = Number(arg('names-epochs', 2));
  const baseline = arg('names-baseline', '');
  console.log(`\n8. A names column (short texts), fine-tuned ${epochs} epochs on wasm: fitted length vs 128 tokens`);
  const rows = [];
  rows.push(await arm({ browser, url: server.url, name: 'fitted (default)', epochs }));
  rows.push(await arm({ browser, url: server.url, name: '128 tokens, batches cut', epochs, fixed: 128 }));
  if (baseline) {
    const old = await serveDist(baseline);
    try {
      rows.push(await arm({ browser, url: old.url, name: 'earlier build: 128 tokens', epochs }));
    } finally {
      await old.close();
    }
  }
  console.log(
    `\n${pad('arm', 28)}${pad('tokens', 8)}${pad('batch', 7)}${pad('s/epoch', 9)}${pad('samples/s', 11)}${pad('accuracy', 10)}speed: fitted ÷ arm`,
  );
  for (const r of rows)
    console.log(
      `${pad(r.name, 28)}${pad(r.tokens, 8)}${pad(r.batch, 7)}${pad(r.failed ? '-' : f(r.perEpoch, 1), 9)}${pad(f(r.samplesPerSec, 0), 11)}${pad(r.failed ? '-' : `${(r.accuracy * 100).toFixed(1)}%`, 10)}${f(rows[0].samplesPerSec / r.samplesPerSec, 1)}x${r.failed ? `  (did not finish: ${r.failed})` : ''}`,
    );
  results.names = rows;
}
