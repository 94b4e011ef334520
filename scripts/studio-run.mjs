// Drives a run in the studio page (Playwright) for the bench and the comparison scripts.

const ENDED = ['done', 'stopped', 'error'];

/**
 * Presses Start and waits until the run has started and then ended (its final state). The start is
 * seen by a MutationObserver set before the click: the previous run shows 'done' until this one
 * has started, and a run may go from 'starting' to 'error' between two polls.
 */
export async function startAndWait(page, timeout = 600_000) {
  await page.evaluate((ended) => {
    const el = document.querySelector('[data-testid="train-status"]');
    window.__runStarted = false;
    new MutationObserver((_, observer) => {
      if (ended.includes(el.getAttribute('data-state'))) return;
      window.__runStarted = true;
      observer.disconnect();
    }).observe(el, { attributes: true, attributeFilter: ['data-state'] });
  }, ENDED);
  await page.getByTestId('train-start').click();
  await page.waitForFunction(() => window.__runStarted, null, { timeout: 60_000, polling: 50 });
  await page.waitForFunction(
    (ended) => ended.includes(document.querySelector('[data-testid="train-status"]')?.getAttribute('data-state') ?? ''),
    ENDED,
    { timeout, polling: 500 },
  );
  return page.getByTestId('train-status').getAttribute('data-state');
}

/** A run from Start to its end; its seconds, or throws with the page's alerts when it did not finish. */
export async function runToEnd(page) {
  const started = Date.now();
  const state = await startAndWait(page, 3_600_000);
  if (state !== 'done') throw new Error(`run ended ${state}: ${await page.getByRole('alert').allTextContents()}`);
  return (Date.now() - started) / 1000;
}
