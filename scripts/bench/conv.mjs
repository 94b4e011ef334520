// Section 10 of the bench: convolutions on every backend (issue #25). tfjs-backend-wasm 4.22 has no
// convolution filter gradient; the studio adds it (src/engine/wasmConvKernels.ts).
//  10a. The small CNN (16-32-64, 28x28 digits, batch 32): training steps of the studio's loss on each
//       backend, each step with its loss read, median samples/s; wasm ÷ cpu (goal >= 5x) and
//       wasm ÷ webgl (goal >= 2x).
//  10b. A contrastive epoch of the conv encoder (16-32-64, global max pooling; batch 256, strong
//       augmentation, temperature 0.2) on wasm over 8,000 digits, timed whole (after one untimed
//       epoch): goal under 2 minutes here.
// Options: --conv-backends=wasm,webgl,cpu  --conv-seconds=20 (per backend; at least 3 steps)
//          --conv-rows=8000  --conv-epochs=1
import { arg, f, median, pad } from './common.mjs';

export async function benchConv({ browser, server, results }) {
  const backends = arg('conv-backends', 'wasm,webgl,cpu').split(',');
  const seconds = Number(arg('conv-seconds', 20));
  const rows = Number(arg('conv-rows', 8000));
  const epochs = Number(arg('conv-epochs', 1));
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'log' && process.stdout.write(`   · ${m.text()}\n`));
  await page.goto(`${server.url}/bench.html`);
  await page.waitForFunction(() => 'runStepsCase' in window);
  results.conv = { steps: [], contrastive: null };

  console.log(
    `\n10a. The small CNN (16-32-64) on the digits, batch 32: training steps per backend (${seconds} s each)`,
  );
  for (const backend of backends) {
    const row = await page.evaluate((c) => window.runStepsCase(c), {
      backend,
      model: 'cnn',
      batchSize: 32,
      seconds,
      minSteps: 3,
      maxSteps: 400,
    });
    row.samplesPerSec = 32 / median(row.stepSeconds) || NaN;
    results.conv.steps.push(row);
  }
  console.log(`\n${pad('backend', 9)}${pad('steps', 7)}${pad('s/step', 9)}samples/s`);
  for (const r of results.conv.steps)
    console.log(
      r.error
        ? `${pad(r.backend, 9)}skipped: ${r.error}`
        : `${pad(r.backend, 9)}${pad(r.stepSeconds.length, 7)}${pad(f(median(r.stepSeconds), 3), 9)}${f(r.samplesPerSec, 1)}`,
    );
  const rate = (b) => results.conv.steps.find((r) => r.backend === b && !r.error)?.samplesPerSec;
  const wasm = rate('wasm');
  for (const [other, goal] of [
    ['cpu', 5],
    ['webgl', 2],
  ])
    if (wasm && rate(other)) console.log(`   wasm ÷ ${other}: ${f(wasm / rate(other), 1)}x (goal >= ${goal}x)`);

  console.log(
    `\n10b. A contrastive epoch of the conv encoder on wasm (batch 256, strong augmentation), ${rows} digits`,
  );
  const c = await page.evaluate((k) => window.runContrastiveCase(k), {
    backend: 'wasm',
    encoder: { kind: 'conv', widths: [16, 32, 64], globalPool: true },
    batchSize: 256,
    maxRows: rows,
    secondsPerEpoch: 1e9,
    epochs,
    maxStepSeconds: 120,
  });
  results.conv.contrastive = c;
  if (c.error) console.log(`   skipped: ${c.error}`);
  else
    console.log(
      `   ${c.rows} rows (${c.valRows} of them held out for the loss): steps ${f(median(c.trainSeconds), 1)} s, whole epoch ${f(median(c.epochSeconds), 1)} s (goal < 120 s)`,
    );
  await page.close();
}
