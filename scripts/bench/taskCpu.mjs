// Part of section 2 of npm run bench: how much of a long task was the page's own work. A long task
// (PerformanceObserver) is wall time; on 2 cores, the training worker or a software GPU's threads
// can take the core from the page's main thread mid-task. A Chromium trace of the same run gives
// each task's thread (CPU) time. The trace is light (task events only) but not free: the bench's
// training figures are measured with it on.

const LONG_US = 50_000;

/** Starts a light trace: every thread's tasks (RunTask, with wall and thread time), nothing else. */
export async function startTaskTrace(browser, page) {
  await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
}

/**
 * Stops the trace: the page's main-thread tasks over 50 ms, each with its wall and CPU time in ms
 * (cpuMs NaN where the trace has no thread time); `error` says why there are none to tell.
 */
export async function stopTaskTrace(browser) {
  let traceEvents;
  try {
    ({ traceEvents } = JSON.parse((await browser.stopTracing()).toString('utf8')));
  } catch (e) {
    return { tasks: [], error: `trace unreadable (${e.message})` };
  }
  const main = pageMainThread(traceEvents);
  if (!main) return { tasks: [], error: 'no renderer main thread in the trace' };
  const tasks = traceEvents
    .filter((e) => e.name === 'RunTask' && e.ph === 'X' && `${e.pid}:${e.tid}` === main && e.dur > LONG_US)
    .map((t) => ({ wallMs: t.dur / 1000, cpuMs: t.tdur === undefined ? NaN : t.tdur / 1000 }));
  return { tasks };
}

/** "pid:tid" of the traced page's main thread: the renderer that holds its outermost frame. */
function pageMainThread(events) {
  const started = events.find((e) => e.name === 'TracingStartedInBrowser');
  const frame = started?.args?.data?.frames?.find((f) => f.isOutermostMainFrame) ?? started?.args?.data?.frames?.[0];
  const thread = events.find(
    (e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && (!frame || e.pid === frame.processId),
  );
  return thread && `${thread.pid}:${thread.tid}`;
}
