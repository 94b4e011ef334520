import { memo, useMemo } from 'react';
import { CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { fmtNumber } from '../../format';
import { extent, linearAxis } from '../axis';
import { GRID, TOOLTIP_STYLE } from '../style';
import { useHovered } from '../hover';
import { useMountStages } from '../stages';
import { TICK_11 } from '../tick';

type Pts = { x: number; y: number }[];

const LEGEND_HEIGHT = 28;
const SHARE_TICKS = [0, 0.25, 0.5, 0.75, 1];
const EXTRA_COLOURS = ['var(--series-val)', 'var(--series-acc)'];
/** Mounted in steps (stages.ts): the chart, then its axes, its grid, its lines. */
const AXES = 1;
const GRID_LINES = 2;
const LINES = 3;

/** The validation accuracy's axis, on the right. */
const ACC_AXIS = {
  yAxisId: 'acc',
  orientation: 'right',
  domain: [0, 1],
  ticks: SHARE_TICKS,
  niceTicks: 'none',
  tick: TICK_11,
  interval: 0,
  tickFormatter: (v: number) => `${Math.round(v * 100)}%`,
  width: 40,
} as const;

const TOOLTIP = {
  contentStyle: TOOLTIP_STYLE,
  labelFormatter: (x: unknown) => `step ${String(x)}`,
  formatter: (v: unknown, name: unknown): [string, string] => [
    name === 'val accuracy' ? `${(Number(v) * 100).toFixed(1)}%` : fmtNumber(Number(v)),
    String(name),
  ],
};

/** One line of the chart and its legend entry; the accuracy line is dashed, on the right axis. */
interface LineSpec {
  key: string;
  name: string;
  points: Pts;
  colour: string;
  width?: number;
  dots?: boolean;
  onAcc?: boolean;
}

export interface LossPlotProps {
  raw: Pts;
  smoothed: Pts;
  primaryName: string;
  extra: { name: string; points: Pts }[];
  val: Pts;
  valName: string;
  acc: Pts;
  logScale: boolean;
}

/** The loss chart's drawing (recharts): see LossChart for what it shows and when it redraws. */
export default memo(function LossPlot(props: LossPlotProps) {
  const [hovered, onHover] = useHovered();
  const stage = useMountStages(LINES);
  const { raw, smoothed, extra, val } = props;
  const x = useMemo(
    () => linearAxis(...extent([raw, smoothed, val, ...extra.map((e) => e.points)], 'x'), false),
    [raw, smoothed, val, extra],
  );
  const loss = useMemo(
    () => linearAxis(0, extent([raw, smoothed, val, ...extra.map((e) => e.points)], 'y')[1]),
    [raw, smoothed, val, extra],
  );
  const lines = lossLines(props);
  return (
    <>
      <LossLegend lines={lines} />
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart onMouseEnter={onHover} margin={{ top: 8 + LEGEND_HEIGHT, right: 8, bottom: 16, left: 4 }}>
          {stage >= GRID_LINES && <CartesianGrid {...GRID} yAxisId="loss" />}
          {stage >= AXES && (
            <>
              <XAxis
                dataKey="x"
                type="number"
                domain={x.domain}
                ticks={x.ticks}
                niceTicks="none"
                allowDuplicatedCategory={false}
                tick={TICK_11}
                interval={0}
                label={{
                  value: 'step (batch)',
                  position: 'insideBottom',
                  offset: -8,
                  fontSize: 11,
                  fill: 'var(--muted)',
                }}
              />
              <YAxis
                yAxisId="loss"
                scale={props.logScale ? 'log' : 'linear'}
                domain={props.logScale ? ['auto', 'auto'] : loss.domain}
                ticks={props.logScale ? undefined : loss.ticks}
                niceTicks={props.logScale ? undefined : 'none'}
                allowDataOverflow
                tick={TICK_11}
                interval={0}
                tickFormatter={(v: number) => fmtNumber(v, 2)}
                width={48}
                label={{ value: 'loss', angle: -90, position: 'insideLeft', fontSize: 11, fill: 'var(--muted)' }}
              />
              <YAxis {...ACC_AXIS} />
            </>
          )}
          {hovered && <Tooltip {...TOOLTIP} />}
          {stage >= LINES &&
            lines.map((l) => (
              <Line
                key={l.key}
                yAxisId={l.onAcc ? 'acc' : 'loss'}
                data={l.points}
                dataKey="y"
                name={l.name}
                stroke={l.colour}
                strokeWidth={l.width ?? 2}
                strokeDasharray={l.onAcc ? '5 3' : undefined}
                dot={l.dots ? { r: 3 } : false}
                isAnimationActive={false}
                activeDot={hovered}
              />
            ))}
        </ComposedChart>
      </ResponsiveContainer>
    </>
  );
});

/**
 * One list for the lines and their legend. The legend is HTML over the chart's top margin:
 * recharts' Legend measures itself in the DOM and re-renders the chart when it has, on every
 * redraw of a live curve. Keys name each line's role, so a new run's names update, not remount.
 */
function lossLines(p: LossPlotProps): LineSpec[] {
  const { raw, smoothed, extra, val } = p;
  return [
    { key: 'batch', name: `${p.primaryName} (batch)`, points: raw, colour: 'var(--series-raw)', width: 1 },
    { key: 'smoothed', name: `${p.primaryName} (smoothed)`, points: smoothed, colour: 'var(--accent)' },
    ...extra.map((s, i) => ({
      key: `extra-${i}`,
      name: `${s.name} (smoothed)`,
      points: s.points,
      colour: EXTRA_COLOURS[i % 2]!,
    })),
    ...(val.length ? [{ key: 'val', name: p.valName, points: val, colour: 'var(--series-val)', dots: true }] : []),
    ...(p.acc.length
      ? [{ key: 'acc', name: 'val accuracy', points: p.acc, colour: 'var(--series-acc)', dots: true, onAcc: true }]
      : []),
  ];
}

function LossLegend({ lines }: { lines: LineSpec[] }) {
  return (
    <ul className="plot-legend" data-testid="loss-legend">
      {lines.map((l) => (
        <li key={l.key}>
          <span className={l.onAcc ? 'swatch dashed' : 'swatch'} style={{ borderColor: l.colour }} />
          {l.name}
        </li>
      ))}
    </ul>
  );
}
