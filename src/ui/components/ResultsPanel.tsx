import type { Evaluation } from '../../shared/types';
import { attrNumber, fmtNumber, fmtPercent } from '../format';
import { useStudio } from '../store';
import { Empty, Panel } from './Panel';

export function ResultsPanel() {
  const evaluation = useStudio((s) => s.run.evaluation);
  const epochs = useStudio((s) => s.run.epochs);
  const lastEpoch = epochs[epochs.length - 1];
  return (
    <Panel id="evaluate" step={4} title="Evaluate">
      {!evaluation ? (
        <Empty>After a run ends, the metrics on the held-out test split appear here: accuracy, macro F1 and a confusion matrix for classes; MSE, MAE and R² for regression.</Empty>
      ) : evaluation.task === 'classification' ? (
        <div className="results">
          <dl
            className="facts metrics"
            data-testid="metrics"
            data-accuracy={attrNumber(evaluation.accuracy)}
            data-macro-f1={attrNumber(evaluation.macroF1)}
            data-loss={attrNumber(evaluation.loss)}
          >
            <Fact label="Test accuracy" value={fmtPercent(evaluation.accuracy)} big />
            <Fact label="Macro F1" value={fmtNumber(evaluation.macroF1, 3)} big />
            <Fact label="Test loss" value={fmtNumber(evaluation.loss, 3)} />
            <Fact label="Test rows" value={String(evaluation.samples)} />
            {lastEpoch && <Fact label="Val accuracy" value={fmtPercent(lastEpoch.valAccuracy)} />}
          </dl>
          <ConfusionMatrix evaluation={evaluation} />
        </div>
      ) : (
        <div className="results">
          <dl className="facts metrics" data-testid="metrics" data-r2={attrNumber(evaluation.r2)} data-mse={attrNumber(evaluation.mse)} data-mae={attrNumber(evaluation.mae)}>
            <Fact label="Test R²" value={fmtNumber(evaluation.r2, 3)} big />
            <Fact label="MSE" value={fmtNumber(evaluation.mse, 4)} big />
            <Fact label="MAE" value={fmtNumber(evaluation.mae, 4)} />
            <Fact label="Test rows" value={String(evaluation.samples)} />
          </dl>
        </div>
      )}
    </Panel>
  );
}

function Fact(props: { label: string; value: string; big?: boolean }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd className={props.big ? 'big' : undefined}>{props.value}</dd>
    </div>
  );
}

function ConfusionMatrix({ evaluation }: { evaluation: Extract<Evaluation, { task: 'classification' }> }) {
  const names = evaluation.classNames;
  return (
    <figure className="confusion" data-testid="confusion-matrix">
      <figcaption className="muted small">Confusion matrix (rows: actual, columns: predicted; shade: share of the row)</figcaption>
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
            const total = row.reduce((s, v) => s + v, 0) || 1;
            return (
              <tr key={a}>
                <th scope="row">{names[a]}</th>
                {row.map((count, p) => (
                  <td
                    key={p}
                    className={a === p ? 'diag' : undefined}
                    style={{ '--share': count / total } as React.CSSProperties}
                    title={`actual ${names[a]}, predicted ${names[p]}: ${count} (${fmtPercent(count / total)})`}
                  >
                    {count}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
  );
}
