import { useDeferredValue, useMemo, useState } from 'react';
import { lossSeries } from '../chart/series';
import { useThrottled } from '../hooks/useThrottled';
import { attrNumber, fmtNumber } from '../format';
import { useStudio } from '../store';
import { Empty } from './Panel';
import { lazyPlot } from '../chart/lazyPlot';

const SMOOTHING = 0.8;
const REDRAW_MS = 1000;

/**
 * Live loss chart: batch loss (faint) and its smoothed line, validation loss per epoch, and
 * validation accuracy on a right-hand axis. Drawn from downsampled series (bounded points).
 */
export function LossChart() {
  const { losses, last, primaryPoints, extra, val, acc, drawnEpochs, seriesNames, valName } = useLossSeries();
  const [logScale, setLogScale] = useState(false);

  return (
    <div
      className="chart-card"
      data-testid="loss-chart"
      data-points={losses.length}
      data-series={seriesNames.join(',')}
      data-last-loss={attrNumber(last)}
      data-val-losses={drawnEpochs.map((e) => attrNumber(e.valLoss) ?? 'NaN').join(' ')}
    >
      <div className="chart-head">
        <h3>Loss</h3>
        <span className="muted small">
          {losses.length ? `${losses.length.toLocaleString('en-US')} batches · last ${fmtNumber(last)}` : ''}
        </span>
        <button
          className="toggle"
          data-testid="loss-log-scale"
          aria-pressed={logScale}
          onClick={() => setLogScale((v) => !v)}
          title="Logarithmic loss axis"
        >
          log scale
        </button>
      </div>
      {/* Mounted from the start (empty), so the first points are a cheap update, not a mount. */}
      <div className="chart-frame">
        <div className="chart-box">
          <ChartBody
            raw={primaryPoints.raw}
            smoothed={primaryPoints.smoothed}
            primaryName={seriesNames[0] ?? 'loss'}
            extra={extra}
            val={val}
            valName={valName}
            acc={acc}
            logScale={logScale && losses.length > 0}
          />
        </div>
        {losses.length === 0 && (
          <div className="chart-empty">
            <Empty>The loss curve appears here as soon as training starts.</Empty>
          </div>
        )}
      </div>
    </div>
  );
}

const EMPTY: number[] = [];

const ChartBody = lazyPlot(() => import('../chart/plots/LossPlot'));

/**
 * The chart's series from the run: the first loss series raw and smoothed, the others smoothed,
 * and the epochs' held-out loss and accuracy, redrawn at low priority and at most once a second.
 */
function useLossSeries() {
  const steps = useStudio((s) => s.run.steps);
  const allLosses = useStudio((s) => s.run.losses);
  const seriesNames = useStudio((s) => s.run.series);
  const losses = allLosses[0] ?? EMPTY;
  const lossVersion = useStudio((s) => s.run.lossVersion);
  const epochs = useStudio((s) => s.run.epochs);
  // New points are coming (not isRunActive: a paused run's curve stands still, and is drawn at once).
  const curveMoving = useStudio((s) => s.run.state === 'running' || s.run.state === 'starting');
  const stage = useStudio((s) => s.run.stage);

  // The chart redraws at low priority (time-sliced by React), so a progress message never blocks
  // the main thread for a whole chart render. `steps`/`losses` grow in place; `lossVersion` says when.
  // It also redraws at most once a second: recharts re-renders fully on each change.
  // Once the run is over, the last points are drawn at once.
  const drawnVersion = useDeferredValue(useThrottled(lossVersion, curveMoving ? REDRAW_MS : 0));
  const drawnEpochs = useDeferredValue(useThrottled(epochs, curveMoving ? REDRAW_MS : 0));
  const primaryPoints = useMemo(() => lossSeries(steps, losses, SMOOTHING), [steps, losses, drawnVersion]); // eslint-disable-line react-hooks/exhaustive-deps
  // Further series (the GAN's generator loss), smoothed only.
  const extra = useMemo(
    () =>
      allLosses.slice(1).map((values, k) => ({
        name: seriesNames[k + 1] ?? `series ${k + 2}`,
        points: lossSeries(steps, values, SMOOTHING).smoothed,
      })),
    // drawnVersion: the arrays grow in place, so their identity does not say when to recompute.
    [allLosses, seriesNames, steps, drawnVersion], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const val = useMemo(
    () => drawnEpochs.filter((e) => Number.isFinite(e.valLoss)).map((e) => ({ x: e.step, y: e.valLoss })),
    [drawnEpochs],
  );
  // Pretraining has no accuracy: its line is left out rather than drawn empty.
  const acc = useMemo(
    () => drawnEpochs.filter((e) => Number.isFinite(e.valAccuracy)).map((e) => ({ x: e.step, y: e.valAccuracy })),
    [drawnEpochs],
  );
  const valName = stage === 'pretrain' ? 'held-out loss' : 'val loss';
  const last = losses.length ? losses[losses.length - 1] : undefined;
  return { losses, last, primaryPoints, extra, val, acc, drawnEpochs, seriesNames, valName };
}
