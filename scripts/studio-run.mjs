// Drives a run in the studio page (Playwright) for the comparison scripts: Start, then wait until
// the run has ended; returns its seconds, or throws with the page's alerts when it did not finish.
export async function runToEnd(page) {
  const started = Date.now();
  const state = () => page.getByTestId('train-status').getAttribute('data-state');
  await page.getByTestId('train-start').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="train-status"]')?.getAttribute('data-state') !== 'done',
  );
  await page.waitForFunction(
    () =>
      ['done', 'stopped', 'error'].includes(
        document.querySelector('[data-testid="train-status"]')?.getAttribute('data-state') ?? '',
      ),
    null,
    { timeout: 3_600_000, polling: 500 },
  );
  if ((await state()) !== 'done')
    throw new Error(`run ended ${await state()}: ${await page.getByRole('alert').allTextContents()}`);
  return (Date.now() - started) / 1000;
}
