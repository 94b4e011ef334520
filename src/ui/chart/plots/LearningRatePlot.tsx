import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { schedulePlan } from '../../../shared/schedule';
import { fmtNumber } from '../../format';
import { linearAxis } from '../axis';
import { GRID, TOOLTIP_STYLE } from '../style';
import { useHovered } from '../hover';
import { TICK_10 } from '../tick';
import { LR_PLOT_AREA } from '../lrPlotArea';

export interface LearningRatePlotProps {
  plan: ReturnType<typeof schedulePlan>;
}

/** The planned learning rate by step (recharts): see RunDetails. */
export default memo(function LearningRatePlot({ plan }: LearningRatePlotProps) {
  const [hovered, onHover] = useHovered();
  const a = LR_PLOT_AREA;
  const x = useMemo(() => linearAxis(plan[0]?.step ?? 0, plan.at(-1)?.step ?? 1, false), [plan]);
  const y = useMemo(
    () =>
      linearAxis(
        0,
        plan.reduce((m, p) => Math.max(m, p.lr), 0),
      ),
    [plan],
  );
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart onMouseEnter={onHover} data={plan} margin={{ top: a.top, right: a.right, bottom: 4, left: 4 }}>
        <CartesianGrid {...GRID} />
        <XAxis
          interval={0}
          height={a.bottom - 4}
          dataKey="step"
          type="number"
          domain={x.domain}
          ticks={x.ticks}
          niceTicks="none"
          tick={TICK_10}
        />
        <YAxis
          interval={0}
          dataKey="lr"
          domain={y.domain}
          ticks={y.ticks}
          niceTicks="none"
          tick={TICK_10}
          tickFormatter={(v: number) => fmtNumber(v, 2)}
          width={a.left - 4}
        />
        {hovered && (
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            labelFormatter={(x) => `step ${x}`}
            formatter={(v) => [fmtNumber(Number(v), 3), 'rate']}
          />
        )}
        <Line dataKey="lr" stroke="var(--accent)" dot={false} strokeWidth={2} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
});
