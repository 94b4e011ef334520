import { Suspense, lazy, memo, type ComponentType } from 'react';

/**
 * A chart's drawing loaded on demand: recharts (and what it brings) is its own chunk, so the
 * page's first script is small enough to run without a long task. Until the chunk is in, an empty
 * placeholder fills the chart's box (the layout does not move).
 */
export function lazyPlot<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  const Plot = lazy(load);
  return memo(function LazyPlot(props: P) {
    return (
      <Suspense fallback={<div className="plot-placeholder" aria-busy="true" />}>
        <Plot {...props} />
      </Suspense>
    );
  });
}
