import { memo } from 'react';
import {
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { fmtNumber } from '../../format';
import { GRID, TOOLTIP_STYLE } from '../style';
import { useHovered } from '../hover';
import { TICK_11 } from '../tick';

export interface RegressionPlotProps {
  points: { actual: number; predicted: number }[];
  lo: number;
  hi: number;
}

/** Predicted against actual, with the line of exact predictions (recharts): see ResultsPanel. */
export default memo(function RegressionPlot({ points, lo, hi }: RegressionPlotProps) {
  const [hovered, onHover] = useHovered();
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ScatterChart onMouseEnter={onHover} margin={{ top: 8, right: 12, bottom: 20, left: 4 }}>
        <CartesianGrid {...GRID} />
        <XAxis
          interval={0}
          dataKey="actual"
          type="number"
          name="actual"
          domain={[lo, hi]}
          tick={TICK_11}
          tickFormatter={(v: number) => fmtNumber(v, 3)}
          label={{ value: 'actual', position: 'insideBottom', offset: -10, fontSize: 11, fill: 'var(--muted)' }}
        />
        <YAxis
          interval={0}
          dataKey="predicted"
          type="number"
          name="predicted"
          domain={[lo, hi]}
          tick={TICK_11}
          tickFormatter={(v: number) => fmtNumber(v, 3)}
          width={56}
        />
        {hovered && <Tooltip formatter={(v) => fmtNumber(Number(v))} contentStyle={TOOLTIP_STYLE} />}
        <ReferenceLine
          segment={[
            { x: lo, y: lo },
            { x: hi, y: hi },
          ]}
          stroke="var(--muted)"
          strokeDasharray="4 3"
        />
        <Scatter data={points} fill="var(--accent)" isAnimationActive={false} />
      </ScatterChart>
    </ResponsiveContainer>
  );
});
