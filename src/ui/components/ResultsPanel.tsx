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
        <Empty>After a run ends, accuracy, macro F1 and the confusion matrix on the held-out test split appear here.</Empty>
      ) : (
        <div className="results">
          <dl
            className="facts metrics"
            data-testid="metrics"
            data-accuracy={attrNumber(evaluation.accuracy)}
            data-macro-f1={attrNumber(evaluation.macroF1)}
            data-loss={attrNumber(evaluation.loss)}
          >
            <div>
              <dt>Test accuracy</dt>
              <dd className="big">{fmtPercent(evaluation.accuracy)}</dd>
            </div>
            <div>
              <dt>Macro F1</dt>
              <dd className="big">{fmtNumber(evaluation.macroF1, 3)}</dd>
            </div>
            <div>
              <dt>Test loss</dt>
              <dd>{fmtNumber(evaluation.loss, 3)}</dd>
            </div>
            <div>
              <dt>Test rows</dt>
              <dd>{evaluation.samples}</dd>
            </div>
            {lastEpoch && (
              <div>
                <dt>Val accuracy</dt>
                <dd>{fmtPercent(lastEpoch.valAccuracy)}</dd>
              </div>
            )}
          </dl>
          <ConfusionMatrix evaluation={evaluation} />
        </div>
      )}
    </Panel>
  );
}

function ConfusionMatrix({ evaluation }: { evaluation: Evaluation }) {
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
