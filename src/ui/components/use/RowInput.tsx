import type { ModelCard } from '../../../shared/types/models';

/** A typed input: a text for a text model, a row of values for a table model. */
export function RowInput({ card, row, setRow }: { card: ModelCard; row: string; setRow: (r: string) => void }) {
  if (card.kind === 'text')
    return (
      <label className="field">
        <span>A text ({card.columns[0]})</span>
        <textarea
          data-testid="inference-row"
          rows={3}
          value={row}
          placeholder="Type a sentence or paste a message"
          onChange={(e) => setRow(e.target.value)}
        />
        <span className="muted small">
          Read as in training: normalized, split into the tokenizer&apos;s subwords, cut at the maximum length.
        </span>
      </label>
    );
  return (
    <label className="field">
      <span>A row ({card.columns.join(', ')})</span>
      <textarea
        data-testid="inference-row"
        rows={2}
        value={row}
        placeholder={`${card.columns.join(',')}\n(or values only, in this order)`}
        onChange={(e) => setRow(e.target.value)}
      />
      <span className="muted small">
        Values in this column order, comma, tab or semicolon separated; or paste a header line and a row (extra columns
        are ignored). Missing values are filled in as in training.
      </span>
    </label>
  );
}
