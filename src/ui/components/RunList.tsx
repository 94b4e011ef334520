import { useMemo, useState } from 'react';
import { isRunActive } from '../../shared/runState';
import type { RunSummary } from '../../shared/types/results';
import { deleteRun } from '../actions';
import { attrNumber, fmtNumber, fmtPercent } from '../format';
import { useStudio } from '../store';
import { Empty, Panel } from './Panel';
import { lazyPlot } from '../chart/lazyPlot';
import type { CompareMetric } from '../chart/plots/ComparePlot';

const ComparePlot = lazyPlot(() => import('../chart/plots/ComparePlot'));

const METRICS: { value: CompareMetric; label: string }[] = [
  { value: 'valLoss', label: 'validation loss' },
  { value: 'trainLoss', label: 'training loss' },
  { value: 'valAccuracy', label: 'validation accuracy' },
];

function optimizerText(r: RunSummary): string {
  const o = r.config.optimizer;
  if (r.stage === 'pretrain' || !o) return 'Adam';
  return o.kind === 'adam' ? 'Adam' : o.kind === 'momentum' ? `momentum ${o.momentum}` : 'SGD';
}

/** Every kept run with its configuration; ticked runs are compared below (curves and metrics). */
export function RunList() {
  const runs = useStudio((s) => s.runs);
  const comparedRunKeys = useStudio((s) => s.comparedRunKeys);
  const toggleCompare = useStudio((s) => s.toggleCompare);
  const runActive = useStudio((s) => isRunActive(s.run.state));
  const picked = runs.filter((r) => comparedRunKeys.includes(r.runKey));
  return (
    <Panel id="runs" step={6} title="Runs">
      {!runs.length ? (
        <Empty>
          Every run you start is listed here with its settings. Tick two or more to compare their curves and test
          metrics.
        </Empty>
      ) : (
        <>
          <ul className="run-list" data-testid="run-list" data-count={runs.length}>
            {runs.map((r) => (
              <li
                key={r.runKey}
                data-testid="run-item"
                data-run-key={r.runKey}
                data-stage={r.stage}
                data-status={r.status}
              >
                <label className="run-pick">
                  <input
                    type="checkbox"
                    data-testid="run-compare"
                    checked={comparedRunKeys.includes(r.runKey)}
                    onChange={() => toggleCompare(r.runKey)}
                    aria-label={`Compare ${r.title}`}
                  />
                  <span>
                    <strong>{r.title}</strong>
                    <span className="muted small">
                      {' '}
                      · {r.status} · {r.epochs.length}/{r.config.epochs} epochs ·{' '}
                      {r.stage === 'finetune'
                        ? `${r.trainRows.toLocaleString('en-US')} labelled rows · ${optimizerText(r)} · lr ${r.config.learningRate} · `
                        : ''}
                      {new Date(r.startedAt).toLocaleString()}
                    </span>
                  </span>
                </label>
                <span className="run-metric small">{metricText(r)}</span>
                <button
                  data-testid="run-delete"
                  disabled={r.status === 'running' && runActive}
                  onClick={() => void deleteRun(r.runKey)}
                  aria-label={`Remove ${r.title} from the list`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          {picked.length > 0 && <CompareView runs={picked} />}
        </>
      )}
    </Panel>
  );
}

function metricText(r: RunSummary): string {
  const m = r.metrics;
  if (!m) return '';
  if (m.accuracy !== undefined) return `test acc ${fmtPercent(m.accuracy)}`;
  if (m.r2 !== undefined) return `test R² ${fmtNumber(m.r2, 3)}`;
  return '';
}

function CompareView({ runs }: { runs: RunSummary[] }) {
  const [metric, setMetric] = useState<CompareMetric>('valLoss');
  const series = useMemo(
    () =>
      runs.map((r) => ({
        key: r.runKey,
        name: r.title,
        points: r.epochs.filter((e) => Number.isFinite(e[metric])).map((e) => ({ epoch: e.epoch, y: e[metric] })),
      })),
    [runs, metric],
  );
  const regression = runs.some((r) => r.metrics?.r2 !== undefined);
  return (
    <div className="compare" data-testid="compare-view" data-runs={runs.length}>
      <div className="chart-head">
        <h3>Compare</h3>
        <select
          data-testid="compare-metric"
          value={metric}
          onChange={(e) => setMetric(e.target.value as CompareMetric)}
          aria-label="Curve to compare"
        >
          {METRICS.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label} by epoch
            </option>
          ))}
        </select>
      </div>
      <div
        className="chart-box compare-box"
        data-testid="compare-chart"
        data-series={series.filter((s) => s.points.length).length}
      >
        <ComparePlot series={series} metric={metric} />
      </div>
      <CompareTable runs={runs} regression={regression} />
    </div>
  );
}

/** The compared runs side by side: their start, labels, optimizer, epochs and test figures. */
function CompareTable({ runs, regression }: { runs: RunSummary[]; regression: boolean }) {
  return (
    <table className="compare-table" data-testid="compare-table">
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Start</th>
          <th scope="col">Labels</th>
          <th scope="col">Optimizer</th>
          <th scope="col">Epochs</th>
          <th scope="col">Best val loss</th>
          {regression ? (
            <>
              <th scope="col">Test R²</th>
              <th scope="col">Test MSE</th>
            </>
          ) : (
            <>
              <th scope="col">Test accuracy</th>
              <th scope="col">Macro F1</th>
              <th scope="col">Weighted F1</th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => {
          const best = Math.min(...r.epochs.map((e) => e.valLoss).filter(Number.isFinite));
          return (
            <tr
              key={r.runKey}
              data-testid="compare-row"
              data-run-key={r.runKey}
              data-accuracy={attrNumber(r.metrics?.accuracy)}
              data-r2={attrNumber(r.metrics?.r2)}
            >
              <th scope="row">{r.title}</th>
              <td>{r.stage === 'pretrain' ? `pretrain (${r.config.objective.id})` : r.from || 'scratch'}</td>
              <td>{r.stage === 'finetune' ? r.trainRows.toLocaleString('en-US') : '–'}</td>
              <td>{optimizerText(r)}</td>
              <td>{r.epochs.length}</td>
              <td>{fmtNumber(best)}</td>
              {regression ? (
                <>
                  <td>{fmtNumber(r.metrics?.r2, 3)}</td>
                  <td>{fmtNumber(r.metrics?.mse)}</td>
                </>
              ) : (
                <>
                  <td>{fmtPercent(r.metrics?.accuracy)}</td>
                  <td>{fmtNumber(r.metrics?.macroF1, 3)}</td>
                  <td>{fmtNumber(r.metrics?.weightedF1, 3)}</td>
                </>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
