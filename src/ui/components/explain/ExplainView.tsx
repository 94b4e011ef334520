import { useEffect, useState } from 'react';
import {
  METHOD_LABELS,
  defaultMethod,
  type AttributionMethod,
  type ExplainInput,
  type Explanation,
} from '../../../shared/types/explain';
import { explain } from '../../actions';
import { fmtPercent } from '../../format';
import { ColumnAttributions } from './ColumnAttributions';
import { SaliencyMap } from './SaliencyMap';
import { TokenAttributions } from './TokenAttributions';

/**
 * Why the model predicted what it did for one input: computed in the worker when shown, again when
 * the method or the class explained changes; with the randomization check's verdict.
 */
export function ExplainView(props: { source: string; input: ExplainInput; kind: 'image' | 'table' | 'text' }) {
  const [method, setMethod] = useState<AttributionMethod>(defaultMethod(props.kind));
  const [classIndex, setClassIndex] = useState<number | undefined>(undefined);
  // The last answer and the choice it answered: pending while the choice shown has none yet.
  const [answer, setAnswer] = useState<{ key: string; result: Explanation | null } | null>(null);
  const { source, input } = props;
  const key = `${method}:${classIndex ?? 'predicted'}`;
  useEffect(() => {
    let live = true;
    void explain({ source, input, method, classIndex }).then((result) => {
      if (live) setAnswer((a) => ({ key, result: result ?? a?.result ?? null }));
    });
    return () => {
      live = false;
    };
  }, [source, input, method, classIndex, key]);
  const pending = answer?.key !== key;
  const result = answer?.result ?? null;

  return (
    <section
      className="explain"
      data-testid="explanation"
      data-state={pending ? 'pending' : result ? 'done' : 'failed'}
    >
      <div className="explain-controls">
        <label>
          Method{' '}
          <select
            data-testid="explain-method"
            value={method}
            onChange={(e) => setMethod(e.target.value as AttributionMethod)}
          >
            {(result?.methods ?? [method]).map((m) => (
              <option key={m} value={m}>
                {METHOD_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        {result && result.classNames.length > 0 && (
          <label>
            Class{' '}
            <select
              data-testid="explain-class"
              value={classIndex ?? ''}
              onChange={(e) => setClassIndex(e.target.value === '' ? undefined : Number(e.target.value))}
            >
              <option value="">the predicted one ({result.classNames[result.predictedIndex]})</option>
              {result.classNames.map((name, i) => (
                <option key={i} value={i}>
                  {name} ({fmtPercent(result.probabilities[i])})
                </option>
              ))}
            </select>
          </label>
        )}
        {pending && <span className="muted small">Explaining…</span>}
      </div>
      {result && <Attributions e={result} />}
    </section>
  );
}

/**
 * "Why this prediction?" under a result: opens the explanation of the input predicted last (`n`
 * counts the predictions, so a new one is explained afresh) and keeps it open for the next ones.
 */
export function ExplainToggle(props: {
  source: string;
  input: ExplainInput;
  kind: 'image' | 'table' | 'text';
  n: number;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button className="toggle" data-testid="explain" aria-pressed={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide why' : 'Why this prediction?'}
      </button>
      {open && <ExplainView key={props.n} source={props.source} input={props.input} kind={props.kind} />}
    </>
  );
}

function Attributions({ e }: { e: Explanation }) {
  const explained = e.classIndex >= 0 ? e.classNames[e.classIndex] : 'the predicted value';
  const label = `${METHOD_LABELS[e.method]}: what made the model say ${explained}`;
  return (
    <div className="explain-body">
      {e.image && <SaliencyMap method={e.method} image={e.image} label={label} />}
      {e.tokens && <TokenAttributions tokens={e.tokens} label={label} />}
      {e.columns && <ColumnAttributions columns={e.columns} />}
      <div className="explain-notes">
        <p className="muted small">
          {e.image
            ? 'Brighter: pixels that weigh more for '
            : e.tokens
              ? 'Green: tokens whose masking lowers the probability of '
              : 'Positive: columns that push toward '}
          {explained}
          {e.classIndex >= 0 ? ` (${fmtPercent(e.probabilities[e.classIndex])})` : ''}. Computed in {Math.round(e.ms)}{' '}
          ms.
        </p>
        <p
          className={`small ${e.sanity.passed ? 'muted' : 'warn-text'}`}
          data-testid="explain-sanity"
          data-passed={String(e.sanity.passed)}
          data-correlation={e.sanity.correlation.toFixed(3)}
        >
          {e.sanity.passed
            ? `Sanity check passed: the same network untrained gives different attributions (rank correlation ${e.sanity.correlation.toFixed(2)}, below ${e.sanity.threshold.toFixed(2)}).`
            : `Sanity check failed: the same network untrained gives nearly the same attributions (rank correlation ${e.sanity.correlation.toFixed(2)}, ${e.sanity.threshold.toFixed(2)} or more), so they show the input more than what the model learned. Try another method, or train longer.`}
        </p>
      </div>
    </div>
  );
}
