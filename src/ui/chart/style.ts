// What every chart's drawing shares: its grid (lines at the axes' ticks, see grid.ts) and the
// look of its tooltip.
import { gridColumns, gridRows } from './grid';

export const GRID = {
  horizontalCoordinatesGenerator: gridRows,
  verticalCoordinatesGenerator: gridColumns,
  stroke: 'var(--grid)',
  strokeDasharray: '3 3',
};

export const TOOLTIP_STYLE = { background: 'var(--surface)', border: '1px solid var(--border)', fontSize: 12 };
