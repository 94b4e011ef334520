import { memo, useMemo } from 'react';
import { bestProbe, probePoints, type ProbePoint } from '../chart/probe';
import { attrNumber, fmtNumber, fmtPercent } from '../format';
import { useStudio } from '../store';
import { lazyPlot } from '../chart/lazyPlot';
import type { SharesPlotProps } from '../chart/plots/SharesPlot';

const SharesPlot = lazyPlot(() => import('../chart/plots/SharesPlot'));

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
      <SharesPlot
        points={points as unknown as SharesPlotProps['points']}
        lines={[
          { key: 'linear', name: 'linear probe (val)', stroke: 'var(--accent)' },
          { key: 'knn', name: `${points[0]!.k}-NN (val)`, stroke: 'var(--series-acc)', dashed: true },
        ]}
        mark={{ epoch: best.epoch, value: best.linear, stroke: 'var(--accent)' }}
      />
    </div>
  );
});
