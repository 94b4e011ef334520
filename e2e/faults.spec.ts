// Faults during training: a diverging loss pauses the run and keeps the last good checkpoint;
// a worker that dies or hangs is replaced and its run resumed; a lost WebGPU device is reported
// and resumable; memory stays flat across epochs.
import { expect, test, type Page } from '@playwright/test';
import { attr, configure, openStudio, watchErrors } from './helpers';

type Hooks = { loseDevice(): Promise<void>; killWorker(): void; hangWorker(ms: number): void };
const hook = <K extends keyof Hooks>(page: Page, name: K, arg?: number) =>
  page.evaluate(
    ([n, a]) =>
      (globalThis as unknown as { __studioTest: Record<string, (x?: number) => unknown> }).__studioTest[n as string]!(
        a as number | undefined,
      ),
    [name, arg] as const,
  );

const items = (page: Page) => page.getByTestId('checkpoint-item');
const ids = (page: Page) => items(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
const status = (page: Page) => page.getByTestId('train-status');
const alertOf = (page: Page, kind: string) => page.locator(`[role="alert"][data-kind="${kind}"]`);

/** The reference model on 500 digits (50 per class): 10 batches of 50 an epoch. */
async function smallRun(page: Page, epochs: number, backend = 'wasm', perClass = 50) {
  await page.getByTestId('stage-finetune').click();
  await page.getByTestId('label-budget').selectOption('perClass');
  await page.getByTestId('labels-per-class').fill(String(perClass));
  await configure(page, { epochs, batchSize: 50, backend, learningRate: 0.001 });
}

test('a learning rate of 1e3 pauses the run with an alert and the checkpoints intact; resuming with the rate divided by 10 trains on', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openStudio(page);
  // A good run first: its checkpoints are the "last good" state to keep.
  await smallRun(page, 2);
  await page.getByTestId('train-start').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(items(page)).toHaveCount(2);
  const good = await ids(page);
  const final = (await page.locator('[data-testid="checkpoint-item"][data-epoch="2"]').getAttribute('data-id'))!;

  // Fine-tune further from it with an absurd learning rate.
  await page.getByTestId('init-from').selectOption(final);
  await configure(page, { epochs: 3, learningRate: 1000 });
  await page.getByTestId('train-start').click();
  await expect(status(page)).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  const alert = alertOf(page, 'diverged');
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText(/Training diverged at step \d+/);
  await expect(alert).toContainText('learning rate (1000) is too high');
  await expect(alert).toContainText('inputs are not scaled');
  const stepAtPause = await attr(page, 'train-status', 'data-step');
  expect(stepAtPause).toBeLessThan(10); // caught within the first epoch, at once
  // Nothing of the diverged run was saved; the earlier checkpoints are all there.
  expect(await ids(page)).toEqual(good);
  await page.waitForTimeout(1000);
  await expect(status(page)).toHaveAttribute('data-state', 'paused');
  expect(await ids(page)).toEqual(good);

  // One click per try, each with the rate divided by 10, until the run trains on.
  let rate = 1000;
  for (let tries = 1; ; tries++) {
    const button = alertOf(page, 'diverged').getByRole('button', {
      name: `Resume from last good checkpoint with learning rate ${rate / 10}`,
    });
    await button.click();
    rate /= 10;
    await expect(page.getByTestId('learning-rate')).toHaveValue(String(rate));
    await expect(status(page)).toHaveAttribute('data-state', /paused|done/, { timeout: 60_000 });
    if ((await status(page).getAttribute('data-state')) === 'done') break;
    expect(tries).toBeLessThan(6);
  }
  // It trained on: three epochs at the lowered rate, a good accuracy, new checkpoints.
  expect(rate).toBeLessThanOrEqual(0.01);
  await expect(status(page)).toHaveAttribute('data-epoch', '3');
  expect(await attr(page, 'metrics', 'data-accuracy')).toBeGreaterThan(0.6);
  await expect(items(page)).toHaveCount(good.length + 3);
  for (const id of good) await expect(page.locator(`[data-testid="checkpoint-item"][data-id="${id}"]`)).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('the worker killed in the middle of a run: the UI notices, restarts it and resumes from the checkpoint', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openStudio(page);
  await smallRun(page, 60);
  await page.getByTestId('train-start').click();
  await expect.poll(() => items(page).count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await hook(page, 'killWorker');
  const killedAt = Date.now();
  // No heartbeat: after the stated 20 s the UI says so and starts a new worker.
  const crash = alertOf(page, 'worker');
  await expect(crash).toContainText('The training worker stopped answering (no heartbeat for 20 s) and was restarted', {
    timeout: 40_000,
  });
  expect(Date.now() - killedAt).toBeGreaterThan(15_000);
  // The page never went blank: the panels are there and the dataset comes back in the new worker.
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'mnist');
  await expect(page.getByTestId('diagnostics')).toHaveAttribute('data-worker', 'alive');
  const offer = alertOf(page, 'worker-resume');
  await expect(offer).toContainText(/was interrupted when the worker stopped; its last checkpoint is epoch \d+ of 60/);
  const epoch = Number(/epoch (\d+) of 60/.exec((await offer.textContent())!)![1]);
  await offer.getByRole('button', { name: `Resume from epoch ${epoch}` }).click();
  await expect(status(page)).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  // The curve up to the checkpoint comes back and grows; epochs go on from the checkpoint.
  await expect.poll(() => attr(page, 'loss-chart', 'data-points'), { timeout: 60_000 }).toBeGreaterThan(epoch * 10);
  await expect.poll(() => attr(page, 'train-status', 'data-epoch')).toBeGreaterThan(epoch);
  await page.getByTestId('train-stop').click();
  await expect(status(page)).toHaveAttribute('data-state', 'stopped');
});

test('a hung worker is replaced too, and the studio keeps working', async ({ page }) => {
  await openStudio(page, 'iris');
  hook(page, 'hangWorker', 120_000).catch(() => undefined);
  await expect(alertOf(page, 'worker')).toContainText('stopped answering', { timeout: 40_000 });
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'iris');
  await configure(page, { epochs: 2, backend: 'cpu' });
  await page.getByTestId('train-start').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
});

test('a worker that dies of a thrown ErrorEvent: the alert gives its real message and place, and the studio keeps working', async ({
  page,
}) => {
  await openStudio(page, 'iris');
  const why = "Uncaught NetworkError: Failed to execute 'importScripts' (simulated)";
  await page.evaluate(
    (m) =>
      (globalThis as unknown as { __studioTest: { throwErrorEvent(m: string): void } }).__studioTest.throwErrorEvent(m),
    why,
  );
  const crash = alertOf(page, 'worker');
  await expect(crash).toContainText(
    `The training worker crashed (${why} at blob:pthread-worker:1:0) and was restarted`,
  );
  await expect(crash).not.toContainText('[object ErrorEvent]');
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'iris');
  await expect(page.getByTestId('diagnostics')).toHaveAttribute('data-worker', 'alive');
});

test('a lost WebGPU device is reported, the run stops cleanly, and it resumes from the checkpoint on webgpu', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openStudio(page);
  // Small: WebGPU runs on a software adapter here. 200 digits, 4 batches an epoch.
  await smallRun(page, 30, 'webgpu', 20);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('backend-active')).toHaveAttribute('data-backend', 'webgpu', { timeout: 60_000 });
  await expect.poll(() => items(page).count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  // GPU memory is shown while webgpu runs.
  await expect.poll(() => attr(page, 'diagnostics', 'data-gpu-bytes')).toBeGreaterThan(0);
  await hook(page, 'loseDevice');
  const lost = alertOf(page, 'device-lost');
  await expect(lost).toContainText(/The GPU device was lost \(the device was destroyed/);
  await expect(lost).toContainText(/The run stopped; the checkpoint of epoch \d+ is kept/);
  await expect(status(page)).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('train-start')).toBeEnabled();
  const epoch = Number(/checkpoint of epoch (\d+)/.exec((await lost.textContent())!)![1]);
  await lost.getByRole('button', { name: `Resume from epoch ${epoch}` }).click();
  await expect(status(page)).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await expect(page.getByTestId('backend-active')).toHaveAttribute('data-backend', 'webgpu', { timeout: 60_000 });
  await expect
    .poll(() => attr(page, 'train-status', 'data-step'), { timeout: 120_000 })
    .toBeGreaterThan(epoch * 10 + 2);
  await page.getByTestId('train-stop').click();
  await expect(status(page)).toHaveAttribute('data-state', 'stopped');
  await expect(alertOf(page, 'device-lost')).toHaveCount(0);
  // Lost between runs: the next run gets a fresh device instead of failing.
  await hook(page, 'loseDevice');
  await configure(page, { epochs: 1 });
  await page.getByTestId('train-start').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('backend-active')).toHaveAttribute('data-backend', 'webgpu');
  await expect(page.getByTestId('metrics')).toHaveAttribute('data-accuracy', /\d/);
});

test('ten epochs keep numTensors constant after the first (leak test, diagnostics panel)', async ({ page }) => {
  await openStudio(page);
  await smallRun(page, 10);
  // Early stopping's copy of the best weights (fine-tuning's default) is counted from the first epoch.
  await page.getByTestId('early-stopping').check();
  await page.getByTestId('train-start').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  const diagnostics = page.getByTestId('diagnostics');
  const perEpoch = (await diagnostics.getAttribute('data-epoch-tensors'))!.split(' ').map(Number);
  console.log(`numTensors at the end of each epoch (wasm, in the worker): ${perEpoch.join(' ')}`);
  expect(perEpoch).toHaveLength(10);
  expect(perEpoch[0]).toBeGreaterThan(0);
  expect(new Set(perEpoch.slice(1))).toEqual(new Set([perEpoch[0]]));
  await expect(diagnostics).toHaveAttribute('data-tensors', /^\d+$/);
  await expect(diagnostics).not.toHaveAttribute('data-gpu-bytes', /./); // wasm: no GPU memory
  await expect(page.getByTestId('epoch-tensors')).toContainText('flat');
});

test('a batch and model too big for the backend are refused before the first step, naming the limit', async ({
  page,
}) => {
  await openStudio(page);
  await page.getByTestId('stage-pretrain').click();
  await page.getByTestId('encoder-kind').selectOption('conv');
  await page.getByTestId('encoder-widths').fill('4096');
  await configure(page, { epochs: 1, batchSize: 4096, backend: 'cpu' });
  await page.getByTestId('train-start').click();
  const alert = alertOf(page, 'too-big');
  // 4096 images × 28 × 28 × 4096 filters × 4 bytes in one tensor.
  await expect(alert).toContainText(
    /Too big for cpu: with a batch of 4096, the output of layer "[^"]+" needs \d+(\.\d)? GB in one buffer, over the cpu limit of 2\.0 GB \(.+\)\. Lower the batch size to \d+ or less/,
  );
  await expect(status(page)).toHaveAttribute('data-state', 'error');
  expect(await attr(page, 'loss-chart', 'data-points')).toBe(0);
  await expect(page.getByTestId('train-start')).toBeEnabled();
});
