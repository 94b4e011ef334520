// Section 9 of the bench: the price of semi-supervised fine-tuning. In the studio on wasm, the
// built-in digits with 10 labels a class, as a user runs them: supervised fine-tuning with the
// page's defaults (batches of 16 labelled digits, 7 steps an epoch) and semi-supervised (FixMatch's
// defaults: 32 labelled and 224 unlabelled digits a step, an epoch a pass over the 6,900 unlabelled
// ones). Each for a fixed number of epochs (validation and checkpoints included, as in any run):
// seconds per epoch, per step and per 1,000 rows a step reads, and semi ÷ supervised.
// Options: --semi-epochs=3 --supervised-epochs=30
import { runToEnd } from '../studio-run.mjs';
import { arg, f, pad } from './common.mjs';

async function arm({ browser, url, name, method, epochs }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(`${url}/?dataset=mnist`);
    await page.locator('[data-testid="dataset-summary"][data-name="mnist"]').waitFor();
    await page.getByTestId('backend').selectOption('wasm');
    await page.getByTestId('stage-finetune').click();
    await page.getByTestId('label-budget').selectOption('perClass');
    await page.getByTestId('labels-per-class').fill('10');
    await page.getByTestId('finetune-method').selectOption(method);
    await page.getByTestId('epochs').fill(String(epochs));
    await page.getByTestId('seed').fill('1');
    const steps = Number(await page.getByTestId('stage-steps').getAttribute('data-steps'));
    const batch = Number(await page.getByTestId('batch-size').inputValue());
    // Rows one step reads: the labelled batch, and for semi-supervised 7 x as many unlabelled twice
    // (a weak view without gradient, a strong one with).
    const ratio = method === 'semi-supervised' ? Number(await page.getByTestId('ssl-ratio').inputValue()) : 0;
    const seconds = await runToEnd(page);
    const accuracy = Number(await page.getByTestId('metrics').getAttribute('data-accuracy'));
    return { name, epochs, steps, batch, rowsPerStep: batch * (1 + ratio), seconds, accuracy };
  } finally {
    await context.close();
  }
}

export async function benchSemi({ browser, server, results }) {
  const semiEpochs = Number(arg('semi-epochs', 3));
  const supervisedEpochs = Number(arg('supervised-epochs', 30));
  console.log(
    `\n9. The price of semi-supervised fine-tuning: the digits, 10 labels a class, wasm, the page's defaults`,
  );
  const rows = [
    await arm({ browser, url: server.url, name: 'supervised', method: 'supervised', epochs: supervisedEpochs }),
    await arm({ browser, url: server.url, name: 'semi-supervised', method: 'semi-supervised', epochs: semiEpochs }),
  ];
  console.log(
    `\n${pad('method', 17)}${pad('epochs', 8)}${pad('steps', 7)}${pad('rows/step', 11)}${pad('s/epoch', 9)}${pad('ms/step', 9)}ms per 1,000 rows read`,
  );
  for (const r of rows) {
    r.perEpoch = r.seconds / r.epochs;
    r.perStep = (r.seconds / r.steps) * 1000;
    r.per1000Rows = (r.perStep / r.rowsPerStep) * 1000;
    console.log(
      `${pad(r.name, 17)}${pad(r.epochs, 8)}${pad(r.steps, 7)}${pad(r.rowsPerStep, 11)}${pad(f(r.perEpoch, 2), 9)}${pad(f(r.perStep, 1), 9)}${f(r.per1000Rows, 1)}`,
    );
  }
  const [sup, semi] = rows;
  console.log(
    `   semi ÷ supervised: ${f(semi.perEpoch / sup.perEpoch, 1)}x per epoch (an epoch is ${semi.steps / semi.epochs} steps against ${sup.steps / sup.epochs}), ` +
      `${f(semi.perStep / sup.perStep, 1)}x per step, ${f(semi.per1000Rows / sup.per1000Rows, 2)}x per row read`,
  );
  results.semi = rows;
}
