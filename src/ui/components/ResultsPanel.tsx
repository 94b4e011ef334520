import { useState } from 'react';
import { isRunActive } from '../../shared/runState';
import type { Evaluation } from '../../shared/types/results';
import { evaluateOnDemand } from '../actions';
import { attrNumber, fmtNumber, fmtPercent } from '../format';
import { useStudio } from '../store';
import { WrongExamples } from './WrongExamples';
import { FeatureImportance } from './explain/FeatureImportance';
import { Empty, Panel } from './Panel';
import { lazyPlot } from '../chart/lazyPlot';

const RegressionPlot = lazyPlot(() => import('../chart/plots/RegressionPlot'));

type Classification = Extract<Evaluation, { task: 'classification' }>;
type Regression = Extract<Evaluation, { task: 'regression' }>;

export function ResultsPanel() {
  const evaluation = useStudio((s) => s.evaluation);
  const epochs = useStudio((s) => s.run.epochs);
  const runActive = useStudio((s) => isRunActive(s.run.state));
  const lastEpoch = epochs[epochs.length - 1];
  return (
    <Panel id="evaluate" step={4} title="Evaluate">
      <div className="results-head">
        <span className="muted small" data-testid="evaluation-title">
          {evaluation ? `${evaluation.title ?? 'The run just finished'} · ${evaluation.samples} test rows` : ''}
        </span>
        <button
          data-testid="evaluate-now"
          disabled={runActive}
          onClick={() => void evaluateOnDemand(null)}
          title="Evaluate the last run's model on the test split again"
        >
          Evaluate on the test split
        </button>
      </div>
      {!evaluation ? (
        <Empty>
          After a run ends, the metrics on the held-out test split appear here: accuracy, per-class precision, recall
          and F1, a confusion matrix and the most confidently wrong examples for classes; MSE, MAE, R² and predicted
          against actual for regression. Any fine-tuned checkpoint can be evaluated from the checkpoint list.
        </Empty>
      ) : evaluation.task === 'classification' ? (
        <div className="results">
          <dl
            className="facts metrics"
            data-testid="metrics"
            data-accuracy={attrNumber(evaluation.accuracy)}
            data-macro-f1={attrNumber(evaluation.macroF1)}
            data-weighted-f1={attrNumber(evaluation.weightedF1)}
            data-loss={attrNumber(evaluation.loss)}
          >
            <Fact label="Test accuracy" value={fmtPercent(evaluation.accuracy)} big />
            <Fact label="Macro F1" value={fmtNumber(evaluation.macroF1, 3)} big />
            <Fact label="Weighted F1" value={fmtNumber(evaluation.weightedF1, 3)} />
            <Fact label="Test loss" value={fmtNumber(evaluation.loss, 3)} />
            {!evaluation.title && lastEpoch && <Fact label="Val accuracy" value={fmtPercent(lastEpoch.valAccuracy)} />}
          </dl>
          <div className="results-grid">
            <ConfusionMatrix evaluation={evaluation} />
            <PerClass evaluation={evaluation} />
          </div>
          <TableImportance evaluation={evaluation} />
          <WrongExamples evaluation={evaluation} />
        </div>
      ) : (
        <div className="results">
          <dl
            className="facts metrics"
            data-testid="metrics"
            data-r2={attrNumber(evaluation.r2)}
            data-mse={attrNumber(evaluation.mse)}
            data-mae={attrNumber(evaluation.mae)}
          >
            <Fact label="Test R²" value={fmtNumber(evaluation.r2, 3)} big />
            <Fact label="MSE" value={fmtNumber(evaluation.mse, 4)} big />
            <Fact label="MAE" value={fmtNumber(evaluation.mae, 4)} />
            <Fact label="Test rows" value={String(evaluation.samples)} />
          </dl>
          <RegressionScatter evaluation={evaluation} />
          <TableImportance evaluation={evaluation} />
        </div>
      )}
    </Panel>
  );
}

/** Tables: which columns the evaluated model relies on (permutation importance on the test split). */
function TableImportance({ evaluation }: { evaluation: Evaluation }) {
  const kind = useStudio((s) => s.dataset?.kind);
  if (kind !== 'table' || !evaluation.source) return null;
  return <FeatureImportance key={`${evaluation.source}:${evaluation.title ?? ''}`} source={evaluation.source} />;
}

function Fact(props: { label: string; value: string; big?: boolean }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd className={props.big ? 'big' : undefined}>{props.value}</dd>
    </div>
  );
}

function ConfusionMatrix({ evaluation }: { evaluation: Classification }) {
  const names = evaluation.classNames;
  const [normalized, setNormalized] = useState(false);
  return (
    <figure className="confusion" data-testid="confusion-matrix" data-mode={normalized ? 'normalized' : 'counts'}>
      <figcaption className="muted small">
        Confusion matrix (rows: actual, columns: predicted; shade: share of the row){' '}
        <button
          className="toggle"
          data-testid="confusion-normalize"
          aria-pressed={normalized}
          onClick={() => setNormalized((v) => !v)}
        >
          {normalized ? 'show counts' : 'row-normalize'}
        </button>
      </figcaption>
      <table>
        <thead>
          <tr>
            <th scope="col" aria-label="actual \ predicted" />
            {names.map((n) => (
              <th key={n} scope="col">
                {n}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {evaluation.confusion.map((row, a) => {
            const total = row.reduce((s, v) => s + v, 0);
            return (
              <tr key={a}>
                <th scope="row">{names[a]}</th>
                {row.map((count, p) => {
                  const share = total ? count / total : 0;
                  return (
                    <td
                      key={p}
                      data-testid="confusion-cell"
                      className={a === p ? 'diag' : undefined}
                      style={{ '--share': share } as React.CSSProperties}
                      title={`actual ${names[a]}, predicted ${names[p]}: ${count} (${fmtPercent(share)} of the row)`}
                    >
                      {normalized ? (total ? `${Math.round(share * 100)}%` : '–') : count}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
  );
}

function PerClass({ evaluation }: { evaluation: Classification }) {
  return (
    <table className="per-class" data-testid="per-class-metrics">
      <thead>
        <tr>
          <th scope="col">Class</th>
          <th scope="col">Precision</th>
          <th scope="col">Recall</th>
          <th scope="col">F1</th>
          <th scope="col">Support</th>
        </tr>
      </thead>
      <tbody>
        {evaluation.perClass.map((c, i) => (
          <tr
            key={i}
            data-testid="class-metrics"
            data-class={evaluation.classNames[i]}
            data-precision={attrNumber(c.precision)}
            data-recall={attrNumber(c.recall)}
            data-f1={attrNumber(c.f1)}
            data-support={c.support}
          >
            <th scope="row">{evaluation.classNames[i]}</th>
            <td>{fmtNumber(c.precision, 3)}</td>
            <td>{fmtNumber(c.recall, 3)}</td>
            <td>{fmtNumber(c.f1, 3)}</td>
            <td>{c.support}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RegressionScatter({ evaluation }: { evaluation: Regression }) {
  const points = evaluation.scatter.actual.map((a, i) => ({ actual: a, predicted: evaluation.scatter.predicted[i]! }));
  const all = [...evaluation.scatter.actual, ...evaluation.scatter.predicted];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  return (
    <figure className="scatter" data-testid="regression-scatter" data-points={points.length}>
      <figcaption className="muted small">
        Predicted against actual (test rows{points.length < evaluation.samples ? `, ${points.length} shown` : ''}); on
        the line is exact.
      </figcaption>
      <div className="chart-box scatter-box">
        <RegressionPlot points={points} lo={lo} hi={hi} />
      </div>
    </figure>
  );
}
