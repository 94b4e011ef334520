// Text as an input: a CSV's text column is read by a learned subword tokenizer and a Transformer,
// which trains on the labels and answers a typed sentence; masked-language-model pretraining on
// the texts, then fine-tuning from that encoder.
import { expect, test, type Page } from '@playwright/test';
import { attr, configure, watchErrors } from './helpers';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const fixture = (name: string) => join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name);
const done = (page: Page) =>
  expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'done', { timeout: 150_000 });

async function predict(page: Page, text: string, n: number): Promise<string> {
  await page.getByTestId('inference-row').fill(text);
  await page.getByTestId('inference-predict').click();
  await expect(page.getByTestId('inference-result')).toHaveAttribute('data-n', String(n));
  return (await page.getByTestId('inference-result').getAttribute('data-class')) ?? '';
}

async function loadReviews(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'mnist');
  await page.getByTestId('dataset-file').setInputFiles(fixture('reviews.csv'));
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-name', 'reviews');
}

test('a CSV with a text column: tokens in the preview, the Transformer trains on the labels and reads a typed sentence', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await loadReviews(page);
  // The text column is the input on its own (the id is left out), the sentiment the label.
  await expect(page.locator('[data-testid="column-row"][data-column="review"]')).toHaveAttribute('data-role', 'text');
  await expect(page.locator('[data-testid="column-row"][data-column="review_id"]')).toHaveAttribute(
    'data-role',
    'ignore',
  );
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-classes', '2');
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-features', '128'); // tokens per text
  expect(await attr(page, 'text-summary', 'data-vocab')).toBeGreaterThan(40);
  expect(await attr(page, 'text-summary', 'data-truncated')).toBe(0);
  // The preview shows texts with their subword tokens ("▁" marks a word's start).
  const tokens = page.getByTestId('text-tokens').first();
  expect(Number(await tokens.getAttribute('data-count'))).toBeGreaterThan(5);
  await expect(tokens).toContainText('▁');

  // A shorter maximum length re-tokenizes: texts are cut and the cut is reported.
  await page.getByTestId('text-max-length').fill('12');
  await page.getByTestId('text-max-length').blur();
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-features', '12');
  expect(await attr(page, 'text-summary', 'data-truncated')).toBeGreaterThan(100);
  await page.getByTestId('text-max-length').fill('32');
  await page.getByTestId('text-max-length').blur();
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-features', '32');

  await page.getByTestId('stage-finetune').click();
  await expect(page.getByTestId('model-kind')).toHaveValue('transformer');
  await page.getByTestId('text-width').fill('32');
  await page.getByTestId('text-layers').fill('1');
  await configure(page, { epochs: 6, batchSize: 16, learningRate: 0.003, backend: 'wasm' });
  await page.getByTestId('train-start').click();
  await done(page);
  expect(await attr(page, 'metrics', 'data-accuracy')).toBeGreaterThan(0.85);

  await expect(page.getByTestId('inference-panel')).toHaveAttribute('data-kind', 'text');
  expect(await predict(page, 'I bought this lamp, honestly it is wonderful and perfect.', 1)).toBe('positive');
  expect(await predict(page, 'Got a blender, the quality is awful and broken!', 2)).toBe('negative');
  expect(errors).toEqual([]);
});
