import type { TableOptions, TableSummary, Task } from '../../../shared/types/datasets';
import { NumberField } from '../NumberField';

/** The label column, the task, what to do with missing values, and the validation and test shares. */
export function TableFields({
  table,
  task,
  disabled,
  apply,
}: {
  table: TableSummary;
  task: Task;
  disabled: boolean;
  apply: (patch: Partial<TableOptions>) => void;
}) {
  const o = table.options;
  const missingTotal = table.columns.reduce((s, c) => s + c.missing, 0);
  return (
    <div className="grid-2">
      <label className="field">
        <span>Label column</span>
        <select
          data-testid="label-column"
          value={o.label}
          disabled={disabled}
          onChange={(e) => apply({ label: e.target.value, task: 'auto' })}
        >
          <option value="">no label (unlabeled)</option>
          {table.columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Task</span>
        <select
          data-testid="task-type"
          value={task === 'none' ? '' : task}
          disabled={disabled || task === 'none'}
          onChange={(e) => apply({ task: e.target.value as TableOptions['task'] })}
        >
          {task === 'none' && <option value="">pretraining only (no label)</option>}
          <option value="classification">classification</option>
          <option value="regression">regression</option>
        </select>
      </label>
      <label className="field">
        <span>Missing values ({missingTotal.toLocaleString('en-US')})</span>
        <select
          data-testid="missing-strategy"
          value={o.missing}
          disabled={disabled}
          onChange={(e) => apply({ missing: e.target.value as TableOptions['missing'] })}
        >
          <option value="impute">fill in (mean / most frequent)</option>
          <option value="drop">drop those rows</option>
        </select>
      </label>
      <SplitFields options={o} disabled={disabled} apply={apply} />
    </div>
  );
}

/** The validation and test shares, in percent (applied on leaving the field: the split is redrawn). */
function SplitFields({
  options: o,
  disabled,
  apply,
}: {
  options: TableOptions;
  disabled: boolean;
  apply: (patch: Partial<TableOptions>) => void;
}) {
  return (
    <div className="grid-2 tight">
      <NumberField
        testId="split-val"
        label="Val %"
        value={Math.round(o.valFraction * 100)}
        min={0}
        max={45}
        integer
        commit="blur"
        disabled={disabled}
        onChange={(v) => apply({ valFraction: v / 100 })}
      />
      <NumberField
        testId="split-test"
        label="Test %"
        value={Math.round(o.testFraction * 100)}
        min={1}
        max={45}
        integer
        commit="blur"
        disabled={disabled}
        onChange={(v) => apply({ testFraction: v / 100 })}
      />
    </div>
  );
}
