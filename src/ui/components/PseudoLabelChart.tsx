import { useMemo } from 'react';
import type { EpochLog } from '../../shared/types/results';
import { lazyPlot } from '../chart/lazyPlot';
import { attrNumber, fmtPercent } from '../format';
import { useStudio } from '../store';

const SharesPlot = lazyPlot(() => import('../chart/plots/SharesPlot'));

type PseudoPoint = { epoch: number; maskRate: number; accuracy: number | null };

/** One point per epoch that has pseudo-labels (a resumed curve may repeat an epoch: the last wins). */
export function pseudoLabelPoints(epochs: readonly EpochLog[]): PseudoPoint[] {
  const byEpoch = new Map<number, PseudoPoint>();
  for (const e of epochs) if (e.pseudoLabels) byEpoch.set(e.epoch, { epoch: e.epoch, ...e.pseudoLabels });
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

const LINES = [
  { key: 'maskRate', name: 'unlabelled rows past the threshold', stroke: 'var(--accent)' },
  { key: 'accuracy', name: 'of those, right (held-back labels)', stroke: 'var(--series-acc)', dashed: true },
];

/**
 * Semi-supervised fine-tuning: per epoch, the share of unlabelled rows whose pseudo-label passed
 * the threshold and, where the budget held their labels back, how many of those were right (never
 * used for training). Healthy runs climb from 10-40% to about 90% with the accuracy flat or rising;
 * a falling accuracy is the sign of drift (FINDINGS.md).
 */
export function PseudoLabelChart() {
  const epochs = useStudio((s) => s.run.epochs);
  const points = useMemo(() => pseudoLabelPoints(epochs), [epochs]);
  if (!points.length) return null;
  const last = points[points.length - 1]!;
  const scored = points.some((p) => p.accuracy !== null);
  return (
    <div
      className="chart-card"
      data-testid="pseudo-label-chart"
      data-points={points.length}
      data-last-mask-rate={attrNumber(last.maskRate)}
      data-last-pseudo-accuracy={attrNumber(last.accuracy)}
    >
      <div className="chart-head">
        <h3>Pseudo-labels</h3>
        <span className="muted small" data-testid="pseudo-label-summary">
          epoch {last.epoch}: {fmtPercent(last.maskRate)} of the unlabelled rows past the threshold
          {last.accuracy !== null && <> · {fmtPercent(last.accuracy)} of those right</>}
          {!scored && ' · their labels are unknown, so their accuracy is not shown'}
        </span>
      </div>
      <div className="chart-box probe-box">
        <SharesPlot points={points} lines={scored ? LINES : LINES.slice(0, 1)} />
      </div>
    </div>
  );
}
