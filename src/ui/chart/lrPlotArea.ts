/**
 * The learning-rate chart's margins and axis sizes, which place its plot area: RunDetails draws
 * the run's current step over the plot as an HTML line, so that progress never redraws the chart
 * (a recharts render is tens of milliseconds on a slow machine).
 */
export const LR_PLOT_AREA = { left: 4 + 48, right: 8, top: 6, bottom: 4 + 30 };

/** Where the plot area puts `step` (the x axis spans the plan's first to last step), as CSS. */
export function nowLeft(step: number, first: number, last: number): string {
  const f = Math.min(1, Math.max(0, (step - first) / Math.max(1, last - first)));
  const { left, right } = LR_PLOT_AREA;
  return `calc(${left}px + (100% - ${left + right}px) * ${f.toFixed(4)})`;
}
