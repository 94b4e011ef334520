import { useEffect, useState } from 'react';
import type { ImportanceResult } from '../../../shared/types/explain';
import { columnImportance } from '../../actions';
import { useStudio } from '../../store';
import { attrNumber, fmtNumber } from '../../format';

/**
 * Permutation importance of a table model's columns on the test split: one bar per column (mean
 * drop of the metric when the column is shuffled, with its spread over the repeats). Measured as
 * soon as an evaluation shows (a table model is small, at most 2,000 test rows are read), and again
 * on the button (the model's `explain`).
 */
export function FeatureImportance({ source }: { source: string }) {
  // Each measurement is numbered: pending while the latest has no answer yet.
  const [asked, setAsked] = useState(0);
  const [answer, setAnswer] = useState<{ n: number; result: ImportanceResult | null } | null>(null);
  const progress = useStudio((s) => s.importanceProgress);
  useEffect(() => {
    let live = true;
    // The first, automatic one stays quiet if it cannot run (a run started meanwhile); a click says why.
    void columnImportance(source, asked === 0).then((result) => {
      if (live) setAnswer((a) => ({ n: asked, result: result ?? a?.result ?? null }));
    });
    return () => {
      live = false;
    };
  }, [source, asked]);
  const pending = answer?.n !== asked;
  const result = answer?.result ?? null;
  return (
    <div className="importance">
      <h3>Which columns matter</h3>
      <p className="muted small">
        Each column is shuffled across the test rows, breaking its link to the label; the bar is how much{' '}
        {result?.metric === 'mse' ? 'the squared error grows' : 'accuracy drops'} (mean of the shuffles, with their
        spread).
      </p>
      <button data-testid="explain" disabled={pending} onClick={() => setAsked((n) => n + 1)}>
        {pending ? 'Measuring…' : 'Measure again'}
      </button>
      {pending && progress && <progress data-testid="importance-progress" max={progress.total} value={progress.done} />}
      {result && <ImportanceChart r={result} />}
    </div>
  );
}

function ImportanceChart({ r }: { r: ImportanceResult }) {
  const max = Math.max(1e-12, ...r.columns.map((c) => Math.abs(c.mean) + c.std));
  const pct = (v: number) => `${(Math.max(0, v) / max) * 100}%`;
  const shown = (v: number) => (r.metric === 'accuracy' ? `${(v * 100).toFixed(1)} pts` : fmtNumber(v, 3));
  return (
    <figure
      className="importance-chart"
      data-testid="feature-importance"
      data-top={r.columns[0]?.column ?? ''}
      data-columns={r.columns.map((c) => c.column).join(',')}
      data-sanity={String(r.sanity.passed)}
    >
      <div className="balance" role="list" aria-label="Importance of each column">
        {r.columns.map((c) => (
          <div
            key={c.column}
            className="balance-row"
            role="listitem"
            data-testid="importance-column"
            data-column={c.column}
            data-mean={attrNumber(c.mean)}
            data-std={attrNumber(c.std)}
          >
            <span className="balance-name" title={c.column}>
              {c.column}
            </span>
            <span className="importance-track">
              <span className="balance-bar" style={{ width: pct(c.mean) }} />
              <span
                className="importance-spread"
                style={{ left: pct(c.mean - c.std), width: `calc(${pct(c.mean + c.std)} - ${pct(c.mean - c.std)})` }}
              />
            </span>
            <span className="balance-count">
              {shown(c.mean)} ± {shown(c.std)}
            </span>
          </div>
        ))}
      </div>
      <figcaption className="muted small">
        {r.rows} test rows, {r.repeats} shuffles a column; {r.metric === 'accuracy' ? 'accuracy' : 'MSE'} before
        shuffling {r.metric === 'accuracy' ? `${(r.baseline * 100).toFixed(1)}%` : fmtNumber(r.baseline, 4)}. Computed
        in {(r.ms / 1000).toFixed(1)} s.{' '}
        <span data-testid="importance-sanity" className={r.sanity.passed ? '' : 'warn-text'}>
          {r.sanity.passed
            ? `The same network untrained ranks the columns differently (rank correlation ${r.sanity.correlation.toFixed(2)}, below ${r.sanity.threshold.toFixed(2)}).`
            : `The same network untrained ranks the columns nearly the same way (rank correlation ${r.sanity.correlation.toFixed(2)}, ${r.sanity.threshold.toFixed(2)} or more): this ranking says little about what was learned.`}
        </span>
      </figcaption>
    </figure>
  );
}
