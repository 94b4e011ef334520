import type { ModelCard } from '../../../shared/types/models';
import { fmtNumber, fmtPercent } from '../../format';

/** The model's card: what it was trained on, its size, its test figure, its layers. */
export function ModelFacts({ card }: { card: ModelCard }) {
  const m = card.metrics;
  return (
    <div
      className="model-facts"
      data-testid="model-card"
      data-source={card.source}
      data-task={card.task}
      data-params={card.params}
    >
      <p className="muted small">
        {card.name} · trained on {card.datasetName} · {card.task === 'none' ? 'encoder (no prediction)' : card.task} ·{' '}
        {card.params.toLocaleString('en-US')} weights
        {m.testAccuracy !== undefined
          ? ` · test accuracy ${fmtPercent(m.testAccuracy)}`
          : m.valAccuracy !== undefined
            ? ` · val accuracy ${fmtPercent(m.valAccuracy)}`
            : ''}
        {m.testR2 !== undefined ? ` · test R² ${fmtNumber(m.testR2, 3)}` : ''}
      </p>
      <ol className="layers" aria-label="Architecture" data-testid="model-architecture">
        {card.layers.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ol>
    </div>
  );
}
