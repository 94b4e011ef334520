// Section 11 of the bench: attributions on sets where one part of the input decides (issue #28).
// Three squares a picture, one inside the top-left region (18% of it) or none decides its class; column c
// alone decides a table's. The models train on wasm; each method then explains held-out rows of
// the deciding class on each backend: the share of the attribution on the deciding part (mean, and
// the chance share), how many passed the randomization check, and milliseconds per explanation
// (median; the check's untrained twin included) (src/bench/explainCase.ts).
// Options: --explain-backends=wasm,webgl,cpu  --explain-rows=20  --explain-pictures=2000  --explain-epochs=5
import { arg, f, median, pad } from './common.mjs';

// Chance: the deciding part's share of the input (a text: 1 of about 9 words).
const CHANCE = { mlp: 144 / 784, cnn: 144 / 784, 'table mlp': 1 / 5, transformer: 1 / 9 };

export async function benchExplain({ browser, server, results }) {
  const backends = arg('explain-backends', 'wasm,webgl,cpu').split(',');
  const explained = Number(arg('explain-rows', 20));
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'log' && process.stdout.write(`   · ${m.text()}\n`));
  await page.goto(`${server.url}/bench.html`);
  await page.waitForFunction(() => 'runExplainCase' in window);
  console.log(
    `\n11. Attributions where one part decides (${explained} held-out rows of the deciding class per method)`,
  );
  const r = await page.evaluate((c) => window.runExplainCase(c), {
    backends,
    pictures: Number(arg('explain-pictures', 2000)),
    tableRows: 600,
    epochs: Number(arg('explain-epochs', 5)),
    explained,
  });
  results.explain = r;
  await page.close();
  if (r.error) {
    console.log(`   skipped: ${r.error}`);
    return;
  }
  console.log(
    `   test accuracy: ${Object.entries(r.accuracy)
      .map(([m, a]) => `${m} ${f(a * 100, 1)}%`)
      .join(', ')}`,
  );
  console.log(
    `\n${pad('model', 13)}${pad('backend', 9)}${pad('method', 21)}${pad('share', 8)}${pad('chance', 8)}${pad('sanity', 9)}ms`,
  );
  for (const m of r.methods) {
    if (m.error) {
      console.log(`${pad(m.model, 13)}${pad(m.backend, 9)}skipped: ${m.error}`);
      continue;
    }
    const share = m.shares.reduce((a, b) => a + b, 0) / m.shares.length;
    console.log(
      `${pad(m.model, 13)}${pad(m.backend, 9)}${pad(m.method, 21)}${pad(`${f(share * 100)}%`, 8)}${pad(`${f(CHANCE[m.model] * 100)}%`, 8)}${pad(`${m.sanityPassed}/${m.rows}`, 9)}${f(median(m.ms), 0)}`,
    );
  }
  if (r.importance)
    console.log(
      `\n   table, permutation importance: ${r.importance.columns.map((c, i) => `${c} ${f(r.importance.mean[i] * 100, 1)}`).join(', ')} (accuracy points); c holds ${f(r.importance.shareOfC * 100)}% of the positive importance`,
    );
}
