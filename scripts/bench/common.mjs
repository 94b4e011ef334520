// Shared by the bench's sections (scripts/bench.mjs runs them).
export const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
export const quick = process.argv.includes('--quick');

export const median = (a) => {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const f = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '–');
export const pad = (s, n) => String(s).padEnd(n);

/** An init script: records main-thread long tasks (>50 ms) in window.__longTasks. */
export const LONG_TASKS = () => {
  window.__longTasks = [];
  new PerformanceObserver((list) =>
    window.__longTasks.push(...list.getEntries().map((e) => ({ start: e.startTime, duration: e.duration }))),
  ).observe({
    type: 'longtask',
    buffered: true,
  });
};
export const longTasksBetween = (page, a, b) =>
  page.evaluate(([x, y]) => window.__longTasks.filter((t) => t.start >= x && t.start <= y), [a, b]);
