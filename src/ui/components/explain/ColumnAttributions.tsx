import { attrNumber } from '../../format';

/** A table row's columns, each with a bar for its signed weight toward the class explained. */
export function ColumnAttributions({ columns }: { columns: { column: string; value: string; weight: number }[] }) {
  const max = Math.max(1e-12, ...columns.map((c) => Math.abs(c.weight)));
  return (
    <div className="balance signed" data-testid="row-attributions" role="list" aria-label="Weight of each column">
      {columns.map((c) => (
        <div
          key={c.column}
          className="balance-row"
          role="listitem"
          data-testid="row-attribution"
          data-column={c.column}
          data-weight={attrNumber(c.weight)}
        >
          <span className="balance-name" title={`${c.column} = ${c.value || '(missing)'}`}>
            {c.column} = {c.value || '(missing)'}
          </span>
          <span
            className={`balance-bar ${c.weight < 0 ? 'negative' : ''}`}
            style={{ width: `${Math.max(0.5, (Math.abs(c.weight) / max) * 100)}%` }}
          />
          <span className="balance-count">
            {c.weight >= 0 ? '+' : ''}
            {c.weight.toFixed(3)}
          </span>
        </div>
      ))}
    </div>
  );
}
