import type { Prediction } from '../../../shared/types/models';
import { attrNumber, fmtNumber, fmtPercent } from '../../format';

/** A prediction: the value, or the class with every class's probability. */
export function Result({ p, n }: { p: Prediction; n: number }) {
  if (p.task === 'regression')
    return (
      <div
        className="inference-result"
        data-testid="inference-result"
        data-n={n}
        data-value={attrNumber(p.value)}
        aria-live="polite"
      >
        Predicted value: <strong>{fmtNumber(p.value, 5)}</strong>
      </div>
    );
  const name = p.classNames[p.classIndex] ?? String(p.classIndex);
  return (
    <div
      className="inference-result"
      data-testid="inference-result"
      data-n={n}
      data-class={name}
      data-p={attrNumber(p.probabilities[p.classIndex])}
      aria-live="polite"
    >
      <p>
        Predicted class: <strong>{name}</strong> ({fmtPercent(p.probabilities[p.classIndex])})
      </p>
      <div className="probs" role="list" aria-label="Probability of every class">
        {p.probabilities.map((v, i) => (
          <div
            key={i}
            className="balance-row"
            role="listitem"
            data-testid="inference-prob"
            data-class={p.classNames[i] ?? String(i)}
            data-p={attrNumber(v) ?? '0'}
          >
            <span className="balance-name">{p.classNames[i] ?? i}</span>
            <span
              className="balance-bar"
              style={{ width: `${Math.max(0.5, v * 100)}%`, opacity: i === p.classIndex ? 1 : 0.45 }}
            />
            <span className="balance-count">{fmtPercent(v)}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
