import { memo, useMemo } from 'react';
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
import { bestProbe, probePoints, type ProbePoint } from '../chart/probe';
import { attrNumber, fmtNumber, fmtPercent } from '../format';
import { useStudio } from '../store';

/**
 * Pretraining with labels: after every epoch, how well a linear probe and a k-NN vote classify
 * the validation rows from the frozen encoder's outputs, and what the probe cost next to the epoch.
 */
export function ProbeChart() {
  const stage = useStudio((s) => s.run.stage);
  const epochs = useStudio((s) => s.run.epochs);
  const points = useMemo(() => probePoints(epochs), [epochs]);
  if (stage !== 'pretrain' || !points.length) return null;
  const last = points[points.length - 1]!;
  const best = bestProbe(points)!;
  return (
    <div
      className="chart-card"
      data-testid="probe-chart"
      data-points={points.length}
      data-last-probe={attrNumber(last.linear)}
      data-last-knn={attrNumber(last.knn)}
      data-best-epoch={best.epoch}
      data-best-probe={attrNumber(best.linear)}
      data-probe-seconds={attrNumber(last.seconds)}
      data-epoch-seconds={attrNumber(last.epochSeconds)}
    >
      <div className="chart-head">
        <h3>Probe accuracy</h3>
        <span className="muted small" data-testid="probe-summary">
          epoch {last.epoch}: linear {fmtPercent(last.linear)} · {last.k}-NN {fmtPercent(last.knn)} · best linear{' '}
          {fmtPercent(best.linear)} at epoch {best.epoch} · probe {fmtNumber(last.seconds, 2)} s next to the epoch's{' '}
          {fmtNumber(last.epochSeconds, 2)} s
        </span>
      </div>
      <ProbeLines points={points} best={best} />
    </div>
  );
}

const ProbeLines = memo(function ProbeLines({ points, best }: { points: ProbePoint[]; best: ProbePoint }) {
  return (
    <div className="chart-box probe-box">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 8, bottom: 16, left: 4 }}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
          <XAxis
            dataKey="epoch"
            type="number"
            domain={['dataMin', 'dataMax']}
            allowDecimals={false}
            tick={{ fontSize: 11, fill: 'var(--muted)' }}
            label={{ value: 'epoch', position: 'insideBottom', offset: -8, fontSize: 11, fill: 'var(--muted)' }}
          />
          <YAxis
            domain={[0, 1]}
            tick={{ fontSize: 11, fill: 'var(--muted)' }}
            tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
            width={40}
          />
          <Tooltip
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', fontSize: 12 }}
            labelFormatter={(x) => `epoch ${x}`}
            formatter={(v, name) => [fmtPercent(Number(v)), name]}
          />
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
    </div>
  );
});
