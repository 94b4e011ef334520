import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { fmtNumber } from '../../format';
import { GRID, TOOLTIP_STYLE } from '../style';
import { useHovered } from '../hover';
import { TICK_11 } from '../tick';

export type CompareMetric = 'valLoss' | 'trainLoss' | 'valAccuracy';
const COLOURS = [
  'var(--accent)',
  'var(--series-val)',
  'var(--series-acc)',
  '#8e44ad',
  '#16a085',
  '#c0392b',
  '#7f8c8d',
  '#d35400',
];

export interface ComparePlotProps {
  series: { key: string; name: string; points: { epoch: number; y: number }[] }[];
  metric: CompareMetric;
}

/** Runs' curves by epoch (recharts): see RunList. */
export default memo(function ComparePlot({ series, metric }: ComparePlotProps) {
  const [hovered, onHover] = useHovered();
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart onMouseEnter={onHover} margin={{ top: 8, right: 12, bottom: 16, left: 4 }}>
        <CartesianGrid {...GRID} />
        <XAxis
          interval={0}
          dataKey="epoch"
          type="number"
          domain={[1, 'dataMax']}
          allowDecimals={false}
          tick={TICK_11}
          label={{ value: 'epoch', position: 'insideBottom', offset: -8, fontSize: 11, fill: 'var(--muted)' }}
        />
        <YAxis
          interval={0}
          domain={metric === 'valAccuracy' ? [0, 1] : [0, 'auto']}
          tick={TICK_11}
          tickFormatter={(v: number) => (metric === 'valAccuracy' ? `${Math.round(v * 100)}%` : fmtNumber(v, 2))}
          width={48}
        />
        {hovered && (
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            labelFormatter={(x) => `epoch ${x}`}
            formatter={(v) => fmtNumber(Number(v))}
          />
        )}
        <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12 }} />
        {series.map((s, i) => (
          <Line
            key={s.key}
            data={s.points}
            dataKey="y"
            name={s.name}
            stroke={COLOURS[i % COLOURS.length]}
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
});
