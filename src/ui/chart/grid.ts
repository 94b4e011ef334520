// Grid lines for recharts' CartesianGrid, placed at the axis's ticks through its scale. recharts'
// own generators run the tick-thinning of the axis labels, which measures every label in the DOM;
// before an axis has registered its settings (a chart's first renders) they assume label thinning
// even where the axis has none. That measuring was most of an empty chart's first render.

interface GridAxis {
  ticks?: readonly unknown[];
  niceTicks?: readonly unknown[];
  scale?: { map(value: unknown): unknown };
}

/** Pixel coordinates of the axis's ticks (none before the axis has a scale). */
export function tickCoordinates(axis: unknown): number[] {
  const a = axis as GridAxis | undefined;
  const values = a?.ticks ?? a?.niceTicks;
  if (!a?.scale || !values) return [];
  return values.map((v) => a.scale!.map(v)).filter((c): c is number => typeof c === 'number' && Number.isFinite(c));
}

export const gridRows = ({ yAxis }: { yAxis?: unknown }) => tickCoordinates(yAxis);
export const gridColumns = ({ xAxis }: { xAxis?: unknown }) => tickCoordinates(xAxis);
