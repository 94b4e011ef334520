import { DEFAULT_TABLE_OPTIONS } from '../../../shared/defaults';
import type { TableOptions, TableSummary, Task, TextSummary } from '../../../shared/types/datasets';
import { configureTable } from '../../actions';
import { ColumnsTable, TableRows } from './ColumnsTable';
import { TableFields } from './TableFields';
import { TextSetup } from './TextSetup';

/** Label, task, missing values, split and per-column roles of an uploaded (or built-in) table. */
export function TableSetup({
  table,
  task,
  disabled,
  textSummary,
}: {
  table: TableSummary;
  task: Task;
  disabled: boolean;
  textSummary?: TextSummary;
}) {
  const o = table.options;
  const text = table.columns.find((c) => c.role === 'text');
  const apply = (patch: Partial<TableOptions>) => void configureTable({ ...o, ...patch });
  return (
    <div className="table-setup">
      <TableFields table={table} task={task} disabled={disabled} apply={apply} />
      {text && (
        <TextSetup
          options={{ ...DEFAULT_TABLE_OPTIONS.text, ...o.text }}
          summary={textSummary}
          disabled={disabled}
          onChange={(t) => apply({ text: t })}
        />
      )}
      <TableRows table={table} />
      <ColumnsTable table={table} disabled={disabled} apply={apply} />
    </div>
  );
}
