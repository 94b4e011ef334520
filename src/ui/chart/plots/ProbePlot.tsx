import { memo } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceDot,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { fmtPercent } from '../../format';
import type { ProbePoint } from '../probe';
import { GRID, TOOLTIP_STYLE } from '../style';
import { useHovered } from '../hover';
import { TICK_11 } from '../tick';

export interface ProbePlotProps {
  points: ProbePoint[];
  best: ProbePoint;
}

/** The probe chart's drawing (recharts): see ProbeChart. */
export default memo(function ProbePlot({ points, best }: ProbePlotProps) {
  const [hovered, onHover] = useHovered();
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart onMouseEnter={onHover} data={points} margin={{ top: 8, right: 8, bottom: 16, left: 4 }}>
        <CartesianGrid {...GRID} />
        <XAxis
          interval={0}
          dataKey="epoch"
          type="number"
          domain={['dataMin', 'dataMax']}
          allowDecimals={false}
          tick={TICK_11}
          label={{ value: 'epoch', position: 'insideBottom', offset: -8, fontSize: 11, fill: 'var(--muted)' }}
        />
        <YAxis
          interval={0}
          domain={[0, 1]}
          ticks={[0, 0.25, 0.5, 0.75, 1]}
          niceTicks="none"
          tick={TICK_11}
          tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
          width={40}
        />
        {hovered && (
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            labelFormatter={(x) => `epoch ${x}`}
            formatter={(v, name) => [fmtPercent(Number(v)), name]}
          />
        )}
        <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12 }} />
        <Line
          dataKey="linear"
          name="linear probe (val)"
          stroke="var(--accent)"
          strokeWidth={2}
          dot={{ r: 3 }}
          isAnimationActive={false}
        />
        <Line
          dataKey="knn"
          name={`${points[0]!.k}-NN (val)`}
          stroke="var(--series-acc)"
          strokeDasharray="5 3"
          strokeWidth={2}
          dot={{ r: 3 }}
          isAnimationActive={false}
        />
        <ReferenceDot x={best.epoch} y={best.linear} r={6} fill="none" stroke="var(--accent)" strokeWidth={2} />
      </LineChart>
    </ResponsiveContainer>
  );
});
