import { useState } from 'react';
import type { ExplainInput } from '../../shared/types/explain';
import type { Evaluation } from '../../shared/types/results';
import { attrNumber, fmtPercent } from '../format';
import { useStudio } from '../store';
import { ExplainView } from './explain/ExplainView';
import { ImageThumb } from './ImageThumb';

type Classification = Extract<Evaluation, { task: 'classification' }>;

/** The most confidently wrong test examples, each with a button that explains the prediction. */
export function WrongExamples({ evaluation }: { evaluation: Classification }) {
  const kind = useStudio((s) => s.dataset?.kind);
  // The example explained: its input kept in state, so that the explanation asks once per choice.
  const [explained, setExplained] = useState<{ row: number; input: ExplainInput } | null>(null);
  if (!evaluation.wrong.length) return <p className="muted small">No test example is misclassified.</p>;
  const source = evaluation.source;
  return (
    <div className="wrong" data-testid="wrong-examples">
      <h3>Most confidently wrong</h3>
      <ul>
        {evaluation.wrong.map((w) => (
          <li
            key={w.row}
            data-testid="wrong-example"
            data-actual={w.actual}
            data-predicted={w.predicted}
            data-confidence={attrNumber(w.confidence)}
          >
            {w.image ? (
              <ImageThumb
                pixels={w.image.pixels}
                width={w.image.width}
                height={w.image.height}
                channels={w.image.channels}
                label={`actual ${w.actual}`}
                caption={false}
              />
            ) : null}
            <span className="small">
              predicted <strong>{w.predicted}</strong> ({fmtPercent(w.confidence)}), actually{' '}
              <strong>{w.actual}</strong>
            </span>
            {w.text !== undefined && (
              <span className="muted small wrong-text" data-testid="wrong-text">
                {w.text.length > 300 ? `${w.text.slice(0, 300)}…` : w.text || '(empty)'}
              </span>
            )}
            {w.values && (
              <span className="muted small row-values">
                {w.values.map((v) => (
                  <span key={v.column}>
                    {v.column}: {v.value || '(missing)'}
                  </span>
                ))}
              </span>
            )}
            {source && kind && (
              <button
                className="toggle"
                data-testid="explain"
                aria-pressed={explained?.row === w.row}
                onClick={() =>
                  setExplained(explained?.row === w.row ? null : { row: w.row, input: { kind: 'testRow', row: w.row } })
                }
              >
                {explained?.row === w.row ? 'Hide why' : 'Why?'}
              </button>
            )}
          </li>
        ))}
      </ul>
      {source && kind && explained && (
        <ExplainView key={`${source}:${explained.row}`} source={source} input={explained.input} kind={kind} />
      )}
    </div>
  );
}
