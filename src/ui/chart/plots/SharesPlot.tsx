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
import { GRID, TOOLTIP_STYLE } from '../style';
import { useHovered } from '../hover';
import { TICK_11 } from '../tick';

export interface ShareLine {
  key: string;
  name: string;
  stroke: string;
  dashed?: boolean;
}

export interface SharesPlotProps {
  /** One point per epoch: `epoch` and a share (0-1, or null where there is none) per line's key. */
  points: readonly ({ epoch: number } & Record<string, number | null>)[];
  lines: ShareLine[];
  /** A point to ring (the best epoch). */
  mark?: { epoch: number; value: number; stroke: string };
}

/** Shares (0-100%) per epoch as lines (recharts): the probe and the pseudo-label charts. */
export default memo(function SharesPlot({ points, lines, mark }: SharesPlotProps) {
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
        {lines.map((l) => (
          <Line
            key={l.key}
            dataKey={l.key}
            name={l.name}
            stroke={l.stroke}
            strokeDasharray={l.dashed ? '5 3' : undefined}
            strokeWidth={2}
            dot={{ r: 3 }}
            connectNulls
            isAnimationActive={false}
          />
        ))}
        {mark && <ReferenceDot x={mark.epoch} y={mark.value} r={6} fill="none" stroke={mark.stroke} strokeWidth={2} />}
      </LineChart>
    </ResponsiveContainer>
  );
});
