import { memo } from 'react';
import { CartesianGrid, ErrorBar, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { fmtNumber } from '../../format';
import { GRID, TOOLTIP_STYLE } from '../style';
import { useHovered } from '../hover';
import { TICK_11 } from '../tick';

/** One arm's points: the mean, and the distances to its min and max (the error bar). */
export type SweepArm = { x: number; mean: number; range: number[]; runs: number }[];

export interface SweepPlotProps {
  /** The arms that have points, each with its legend name and colour. */
  arms: { name: string; colour: string; dashed?: boolean; points: SweepArm }[];
  xs: number[];
  xName: string;
  accuracy: boolean;
  show: (v: number) => string;
}

/** Test metric against labels, per arm, mean with min-max bars (recharts): see SweepPanel. */
export default memo(function SweepPlot({ arms, xs, xName, accuracy, show }: SweepPlotProps) {
  const [hovered, onHover] = useHovered();
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart onMouseEnter={onHover} margin={{ top: 8, right: 16, bottom: 20, left: 4 }}>
        <CartesianGrid {...GRID} />
        <XAxis
          dataKey="x"
          type="number"
          scale="log"
          domain={[xs[0]! / 1.3, xs[xs.length - 1]! * 1.3]}
          ticks={xs}
          tick={TICK_11}
          tickFormatter={(v: number) => fmtNumber(v, 3)}
          label={{ value: xName, position: 'insideBottom', offset: -10, fontSize: 11, fill: 'var(--muted)' }}
        />
        <YAxis
          interval={0}
          type="number"
          domain={accuracy ? [0, 1] : ['auto', 'auto']}
          tick={TICK_11}
          tickFormatter={(v: number) => (accuracy ? `${Math.round(v * 100)}%` : fmtNumber(v, 3))}
          width={48}
        />
        {hovered && (
          <Tooltip
            formatter={(v, name) => [show(Number(v)), String(name)]}
            labelFormatter={(x) => `${fmtNumber(Number(x), 3)} ${xName}`}
            contentStyle={TOOLTIP_STYLE}
          />
        )}
        <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12 }} />
        {arms.map((arm) => (
          <Line
            key={arm.name}
            data={arm.points}
            dataKey="mean"
            name={arm.name}
            stroke={arm.colour}
            strokeDasharray={arm.dashed ? '5 3' : undefined}
            dot={{ r: 3 }}
            isAnimationActive={false}
          >
            <ErrorBar dataKey="range" width={4} direction="y" stroke={arm.colour} />
          </Line>
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
});
