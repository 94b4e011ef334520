import { memo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LrPoint } from '../../../shared/types/results';
import { fmtNumber } from '../../format';
import { linearAxis } from '../axis';
import { useHovered } from '../hover';
import { GRID, TOOLTIP_STYLE } from '../style';
import { TICK_10 } from '../tick';

export interface LrFinderPlotProps {
  points: LrPoint[];
  suggestion: number | null;
}

/** Each batch's loss, faint, under the smoothed one. */
const LINES = [
  { dataKey: 'loss', name: 'batch loss', stroke: 'var(--muted)', strokeOpacity: 0.4, strokeWidth: 1 },
  { dataKey: 'smoothed', name: 'smoothed loss', stroke: 'var(--accent)', strokeOpacity: 1, strokeWidth: 2 },
] as const;

/** Decades of the sweep's rates, for the log axis's ticks. */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

/** The learning-rate sweep: smoothed loss (and each batch's, faint) against the rate, log scale. */
export default memo(function LrFinderPlot({ points, suggestion }: LrFinderPlotProps) {
  const [hovered, onHover] = useHovered();
  const finite = points.filter((p) => Number.isFinite(p.smoothed));
  const lo = finite[0]?.rate ?? 1e-7;
  const hi = finite.at(-1)?.rate ?? 10;
  // The blown-up tail would flatten the curve that matters: the y axis stops at 2× the start.
  const start = finite[0]?.smoothed ?? 1;
  const top = Math.max(start * 2, ...finite.slice(0, 3).map((p) => p.smoothed));
  const y = linearAxis(Math.min(...finite.map((p) => p.smoothed), start), top);
  const ticks = decades(lo, hi);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart onMouseEnter={onHover} data={finite} margin={{ top: 8, right: 16, bottom: 20, left: 4 }}>
        <CartesianGrid {...GRID} />
        <XAxis
          dataKey="rate"
          type="number"
          scale="log"
          domain={[ticks[0]!, ticks.at(-1)!]}
          ticks={ticks}
          tick={TICK_10}
          tickFormatter={(v: number) => v.toExponential(0)}
          label={{ value: 'learning rate', position: 'insideBottom', offset: -12, fontSize: 11, fill: 'var(--muted)' }}
        />
        <YAxis
          interval={0}
          domain={y.domain}
          ticks={y.ticks}
          niceTicks="none"
          allowDataOverflow
          tick={TICK_10}
          tickFormatter={(v: number) => fmtNumber(v, 3)}
          width={44}
        />
        {hovered && (
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            labelFormatter={(r) => `rate ${fmtNumber(Number(r), 2)}`}
            formatter={(v, name) => [fmtNumber(Number(v), 4), String(name)]}
          />
        )}
        {LINES.map((l) => (
          <Line key={l.dataKey} {...l} dot={false} isAnimationActive={false} />
        ))}
        {suggestion !== null && <ReferenceLine x={suggestion} stroke="var(--series-val)" strokeDasharray="4 3" />}
      </LineChart>
    </ResponsiveContainer>
  );
});
