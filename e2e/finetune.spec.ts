// Fine-tuning's controls in the real app: optimizer, schedule, freezing then unfreezing (the layer
// list shows which layers train), early stopping, per-class metrics, examples, and evaluating a
// checkpoint on demand.
import { expect, test, type Page } from '@playwright/test';
import { attr, configure, openStudio, watchErrors } from './helpers';

const done = (page: Page) =>
  expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });

test('freeze the encoder, then unfreeze at a lower rate with momentum and a step schedule; the layer list and the rate chart follow', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openStudio(page);
  await page.getByTestId('stage-finetune').click();
  // The method list comes from the registry (shared/methods): supervised is the default.
  await expect(page.getByTestId('finetune-method')).toHaveValue('supervised');
  // Semi-supervised with every label and no row without one has nothing to learn from: said at once.
  await page.getByTestId('finetune-method').selectOption('semi-supervised');
  await expect(page.getByTestId('method-no-pool')).toBeVisible();
  await page.getByTestId('finetune-method').selectOption('supervised');
  await expect(page.getByTestId('method-no-pool')).toHaveCount(0);
  await page.getByTestId('label-budget').selectOption('fraction');
  await page.getByTestId('label-fraction').fill('0.05'); // 350 of 7,000 rows
  await page.getByTestId('head-hidden').fill('32');
  await page.getByTestId('optimizer').selectOption('momentum');
  await expect(page.getByTestId('learning-rate')).toHaveValue('0.01'); // the usual rate for momentum
  await page.getByTestId('momentum').fill('0.8');
  await page.getByTestId('lr-schedule').selectOption('step');
  await page.getByTestId('step-every').fill('1');
  await page.getByTestId('step-factor').fill('0.5');
  await configure(page, { epochs: 3, batchSize: 35, learningRate: 0.1, backend: 'wasm' });
  await page.getByTestId('head-epochs').fill('2');
  await page.getByTestId('unfreeze-lr-factor').fill('0.1');
  await expect(page.getByTestId('freeze-plan')).toContainText('Epochs 1–2: the head only');
  await expect(page.getByTestId('freeze-plan')).toContainText('Epochs 3–3: every layer, at the learning rate × 0.1');

  // The layer list as it changes (two epochs of 10 steps on wasm can pass between two polls).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __layers: string[] }).__layers = seen;
    new MutationObserver(() => {
      const items = [...document.querySelectorAll('[data-testid="layer-item"]')];
      const state = items.map((i) => `${i.getAttribute('data-name')}=${i.getAttribute('data-trainable')}`).join(' ');
      if (state && state !== seen.at(-1)) seen.push(state);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByTestId('train-start').click();
  await done(page);
  // While the head trained, the encoder's Dense layer was frozen; epoch 3 unfroze it.
  const states = await page.evaluate(() => (window as unknown as { __layers: string[] }).__layers);
  const frozen = states.findIndex((s) => s.includes('dense_hidden=false'));
  expect(frozen, states.join('\n')).toBeGreaterThanOrEqual(0);
  expect(states[frozen]).toContain('head_hidden1=true');
  expect(states[frozen]).toContain('head_out=true');
  expect(states.slice(frozen).some((s) => s.includes('dense_hidden=true'))).toBe(true);
  const hidden = page.locator('[data-testid="layer-item"][data-name="dense_hidden"]');
  // Epoch 3 unfroze it, at 0.1 × 0.5² (step decay) × 0.1 (unfreezing).
  await expect(page.getByTestId('layer-list')).toHaveAttribute('data-epoch', '3');
  await expect(hidden).toHaveAttribute('data-trainable', 'true');
  expect(await attr(page, 'lr-chart', 'data-current-lr')).toBeCloseTo(0.1 * 0.25 * 0.1, 8);
  // 350 rows, batch 35: 10 steps an epoch.
  expect(await attr(page, 'loss-chart', 'data-points')).toBe(30);

  // Per-class metrics, weighted F1, the confusion matrix both ways, the worst examples as pictures.
  const metrics = page.getByTestId('metrics');
  expect(await attr(page, 'metrics', 'data-accuracy')).toBeGreaterThan(0.25); // chance is 0.1
  await expect(metrics).toHaveAttribute('data-weighted-f1', /^0\.\d+$/);
  const perClass = page.getByTestId('class-metrics');
  await expect(perClass).toHaveCount(10);
  const support = await perClass.evaluateAll((rows) =>
    rows.reduce((s, r) => s + Number(r.getAttribute('data-support')), 0),
  );
  expect(support).toBe(2000); // every test digit counted once
  const cells = page.getByTestId('confusion-cell');
  await expect(cells.first()).toHaveText(/^\d+$/);
  await page.getByTestId('confusion-normalize').click();
  await expect(page.getByTestId('confusion-matrix')).toHaveAttribute('data-mode', 'normalized');
  await expect(cells.first()).toHaveText(/^\d+%$/);
  const wrong = page.getByTestId('wrong-example');
  await expect(wrong).toHaveCount(8);
  await expect(wrong.first().locator('canvas')).toBeVisible();
  const confidences = await wrong.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-confidence'))));
  expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
  for (const el of await wrong.all())
    expect(await el.getAttribute('data-actual')).not.toBe(await el.getAttribute('data-predicted'));
  expect(errors).toEqual([]);
});

test('early stopping ends the run and restores the best epoch; a checkpoint is evaluated on demand', async ({
  page,
}) => {
  await openStudio(page, 'iris');
  await page.getByTestId('stage-finetune').click();
  await page.getByTestId('optimizer').selectOption('sgd');
  // A rate this high makes SGD overshoot on Iris; patience 1 stops at the first epoch that is not better.
  await configure(page, { epochs: 40, batchSize: 8, learningRate: 0.9, backend: 'cpu' });
  await page.getByTestId('early-stopping').check();
  await page.getByTestId('patience').fill('1');
  await page.getByTestId('train-start').click();
  await done(page);
  const notices = page.getByTestId('run-notices');
  await expect(notices).toContainText(/Early stopping after epoch (\d+)/);
  const text = (await notices.textContent()) ?? '';
  const stoppedAt = Number(/Early stopping after epoch (\d+)/.exec(text)![1]);
  expect(stoppedAt).toBeLessThan(40);
  // The final checkpoint is the best epoch's, and evaluating it gives the run's own test metrics.
  const accuracy = await attr(page, 'metrics', 'data-accuracy');
  const final = page
    .locator('[data-testid="checkpoint-item"][data-stage="finetune"]')
    .filter({ hasText: 'final' })
    .first();
  const bestEpoch = Number(/best: epoch (\d+)/.exec(text)![1]);
  await expect(final).toHaveAttribute('data-epoch', String(bestEpoch));
  // Its validation loss is the lowest any epoch reached: the restored weights are the best seen.
  const chart = page.getByTestId('loss-chart');
  await expect(chart).toHaveAttribute('data-val-losses', new RegExp(`^(\\S+ ){${stoppedAt - 1}}\\S+$`));
  const valLosses = (await chart.getAttribute('data-val-losses'))!.split(' ').map(Number);
  expect(valLosses).toHaveLength(stoppedAt);
  expect(Number(await final.getAttribute('data-val-loss'))).toBeCloseTo(Math.min(...valLosses), 6);
  expect(valLosses.indexOf(Math.min(...valLosses)) + 1).toBe(bestEpoch);
  await final.getByTestId('checkpoint-evaluate').click();
  await expect(page.getByTestId('evaluation-title')).toContainText(`epoch ${bestEpoch}`);
  expect(await attr(page, 'metrics', 'data-accuracy')).toBeCloseTo(accuracy, 6);
});
