// Part of section 2 of npm run bench: main-thread long tasks (>50 ms) while the page opens, from
// navigation until the built-in dataset is shown and the page has been quiet for 2 s. Median
// over fresh pages (a fresh browser context each: no IndexedDB left from the one before).
import { LONG_TASKS, arg, f, median, quick } from './common.mjs';

export async function pageOpenLongTasks({ browser, server, results, path = '/?dataset=mnist' }) {
  const trials = Number(arg('open-trials', quick ? 3 : 5));
  const runs = [];
  for (let i = 0; i < trials; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(LONG_TASKS);
    await page.goto(`${server.url}${path}`);
    await page.getByTestId('dataset-summary').waitFor();
    await page.waitForTimeout(2000);
    runs.push(await page.evaluate(() => window.__longTasks.map((t) => Math.round(t.duration))));
    await context.close();
  }
  const counts = runs.map((r) => r.length);
  results.pageOpen = { path, runs, medianCount: median(counts) };
  console.log(
    `\n   page open (${path}): long tasks per open ${f(median(counts))} (goal <= 1); per trial: ${runs.map((r) => `[${r.join(', ')}] ms`).join(' ')}`,
  );
  return results.pageOpen;
}
