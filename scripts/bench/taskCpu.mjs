// Part of section 2 of npm run bench: how much of a long task was the page's own work. A long task
// (PerformanceObserver) is wall time; on 2 cores, a software GPU's threads can take the core from
// the page's main thread mid-task. A Chromium trace of the same run gives each task's thread time.

const LONG_US = 50_000;

/** Starts a light trace: every thread's tasks (RunTask, with wall and thread time), nothing else. */
export async function startTaskTrace(browser, page) {
  await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
}

/**
 * Stops the trace; the renderer main thread's tasks over 50 ms, each with its wall and CPU time
 * (ms; NaN where the trace has no thread time). The main thread is the CrRendererMain with the most top-level tasks (the page's).
 */
export async function stopTaskTrace(browser) {
  const { traceEvents } = JSON.parse((await browser.stopTracing()).toString('utf8'));
  const mains = new Set(
    traceEvents
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const tasksBy = new Map();
  for (const e of traceEvents) {
    const key = `${e.pid}:${e.tid}`;
    if (e.name !== 'RunTask' || e.ph !== 'X' || !mains.has(key)) continue;
    if (!tasksBy.has(key)) tasksBy.set(key, []);
    tasksBy.get(key).push(e);
  }
  const tasks = [...tasksBy.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  return tasks.filter((t) => t.dur > LONG_US).map((t) => ({ wallMs: t.dur / 1000, cpuMs: t.tdur === undefined ? NaN : t.tdur / 1000 }));
}
