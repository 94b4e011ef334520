import type { ColumnRole, ColumnSummary, TableOptions, TableSummary } from '../../../shared/types/datasets';
import { fmtNumber } from '../../format';

/** Each column: its kind, its role (a choice), its missing values and its distribution. */
export function ColumnsTable({
  table,
  disabled,
  apply,
}: {
  table: TableSummary;
  disabled: boolean;
  apply: (patch: Partial<TableOptions>) => void;
}) {
  const o = table.options;
  return (
    <div className="table-wrap">
      <table className="columns-table" data-testid="columns-table">
        <thead>
          <tr>
            <th>Column</th>
            <th>Type</th>
            <th>Role</th>
            <th>Missing</th>
            <th>Distribution</th>
          </tr>
        </thead>
        <tbody>
          {table.columns.map((c) => (
            <ColumnRow
              key={c.name}
              column={c}
              disabled={disabled}
              onRole={(role) =>
                role === 'label'
                  ? apply({ label: c.name, task: 'auto' })
                  : apply({ roles: { ...o.roles, [c.name]: role }, label: c.role === 'label' ? '' : o.label })
              }
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What a table read: rows, rows left out, rows without a label, malformed rows, the delimiter and the model's inputs. */
export function TableRows({ table }: { table: TableSummary }) {
  return (
    <p
      className="muted small"
      data-testid="table-rows"
      data-read={table.rowsRead}
      data-dropped={table.rowsDropped}
      data-unlabeled={table.rowsUnlabeled ?? 0}
      data-malformed={table.malformedSkipped}
    >
      {table.rowsRead.toLocaleString('en-US')} rows read
      {table.rowsDropped ? ` · ${table.rowsDropped.toLocaleString('en-US')} left out (missing values)` : ''}
      {table.rowsUnlabeled ? ` · ${table.rowsUnlabeled.toLocaleString('en-US')} without a label (unlabeled)` : ''}
      {table.malformedSkipped ? ` · ${table.malformedSkipped.toLocaleString('en-US')} malformed rows skipped` : ''} ·
      delimiter <code>{table.delimiter === '\t' ? 'tab' : table.delimiter}</code> · {table.inputNames.length} model
      inputs
    </p>
  );
}

function ColumnRow({
  column: c,
  disabled,
  onRole,
}: {
  column: ColumnSummary;
  disabled: boolean;
  onRole: (r: ColumnRole) => void;
}) {
  return (
    <tr data-testid="column-row" data-column={c.name} data-kind={c.kind} data-role={c.role} data-missing={c.missing}>
      <th scope="row" className="col-name" title={c.name}>
        {c.name}
      </th>
      <td>{c.kind}</td>
      <td>
        <select
          aria-label={`Role of ${c.name}`}
          data-testid="column-role"
          value={c.role}
          disabled={disabled}
          onChange={(e) => onRole(e.target.value as ColumnRole)}
        >
          <option value="feature">feature</option>
          <option value="label">label</option>
          <option value="text">text (model input)</option>
          <option value="ignore">ignore</option>
        </select>
      </td>
      <td className={c.missing ? 'warn-text' : undefined}>{c.missing || '–'}</td>
      <td>
        <Distribution column={c} />
      </td>
    </tr>
  );
}

function Distribution({ column: c }: { column: ColumnSummary }) {
  if (c.histogram) {
    const max = Math.max(...c.histogram, 1);
    return (
      <span className="dist" title={`min ${fmtNumber(c.min)} · mean ${fmtNumber(c.mean)} · max ${fmtNumber(c.max)}`}>
        <svg width="72" height="18" viewBox="0 0 72 18" aria-hidden="true">
          {c.histogram.map((n, i) => (
            <rect
              key={i}
              x={i * 6}
              y={18 - (n / max) * 18}
              width={5}
              height={(n / max) * 18}
              fill="var(--accent)"
              opacity={0.7}
            />
          ))}
        </svg>
        <span className="muted small">
          {fmtNumber(c.min, 3)}–{fmtNumber(c.max, 3)}
        </span>
      </span>
    );
  }
  if (c.top?.length)
    return (
      <span className="muted small top-values" title={c.top.map((t) => `${t.value}: ${t.count}`).join('\n')}>
        {c.top
          .slice(0, 3)
          .map((t) => `${t.value} (${t.count})`)
          .join(', ')}
        {c.manyDistinct ? ', … (many)' : c.distinct > 3 ? `, … ${c.distinct} values` : ''}
      </span>
    );
  return <span className="muted small">–</span>;
}
