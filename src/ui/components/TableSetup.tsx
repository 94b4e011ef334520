import { AUTO_TEXT_LENGTH, TEXT_LIMITS } from '../../shared/limits';
import { attrNumber } from '../format';
import { DEFAULT_TABLE_OPTIONS } from '../../shared/defaults';
import type {
  ColumnRole,
  ColumnSummary,
  TableOptions,
  TableSummary,
  Task,
  TextOptions,
  TextSummary,
} from '../../shared/types/datasets';
import { configureTable } from '../actions';
import { fmtNumber, fmtPercent } from '../format';
import { NumberField } from './NumberField';

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
  const missingTotal = table.columns.reduce((s, c) => s + c.missing, 0);

  return (
    <div className="table-setup">
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
      </div>
      {text && (
        <TextSetup
          options={{ ...DEFAULT_TABLE_OPTIONS.text, ...o.text }}
          summary={textSummary}
          disabled={disabled}
          onChange={(t) => apply({ text: t })}
        />
      )}
      <p
        className="muted small"
        data-testid="table-rows"
        data-read={table.rowsRead}
        data-dropped={table.rowsDropped}
        data-malformed={table.malformedSkipped}
      >
        {table.rowsRead.toLocaleString('en-US')} rows read
        {table.rowsDropped ? ` · ${table.rowsDropped.toLocaleString('en-US')} left out (missing values)` : ''}
        {table.malformedSkipped ? ` · ${table.malformedSkipped.toLocaleString('en-US')} malformed rows skipped` : ''} ·
        delimiter <code>{table.delimiter === '\t' ? 'tab' : table.delimiter}</code> · {table.inputNames.length} model
        inputs
      </p>
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
    </div>
  );
}

/** The tokenizer of the text column: learned from the training split when the table loads. */
function TextSetup({
  options,
  summary,
  disabled,
  onChange,
}: {
  options: TextOptions;
  summary?: TextSummary;
  disabled: boolean;
  onChange: (t: TextOptions) => void;
}) {
  return (
    <div className="text-setup" data-testid="text-setup">
      <div className="grid-3">
        <NumberField
          testId="text-vocab"
          label="Vocabulary size"
          value={options.vocabSize}
          min={TEXT_LIMITS.vocabSize[0]}
          max={TEXT_LIMITS.vocabSize[1]}
          integer
          commit="blur"
          disabled={disabled}
          onChange={(v) => onChange({ ...options, vocabSize: v })}
        />
        <NumberField
          testId="text-max-length"
          label="Max tokens"
          value={options.autoLength !== false && summary ? summary.maxLength : options.maxLength}
          min={TEXT_LIMITS.maxLength[0]}
          max={TEXT_LIMITS.maxLength[1]}
          integer
          commit="blur"
          disabled={disabled}
          hint={
            summary?.autoLength
              ? `Fitted: 99% of the training texts have at most ${summary.p99Tokens} tokens${summary.p99Tokens > AUTO_TEXT_LENGTH.max ? ` (cut at ${AUTO_TEXT_LENGTH.max}: attention costs the square of the length)` : ''}.`
              : 'Your length; longer texts are cut.'
          }
          onChange={(v) => onChange({ ...options, maxLength: v, autoLength: false })}
        />
        <label className="field checkbox">
          <input
            type="checkbox"
            data-testid="text-length-auto"
            checked={options.autoLength !== false}
            disabled={disabled}
            onChange={(e) => onChange({ ...options, autoLength: e.target.checked })}
          />
          <span>fit the length to the texts</span>
        </label>
        <label className="field checkbox">
          <input
            type="checkbox"
            data-testid="text-lowercase"
            checked={options.lowercase}
            disabled={disabled}
            onChange={(e) => onChange({ ...options, lowercase: e.target.checked })}
          />
          <span>lower-case</span>
        </label>
      </div>
      {summary && (
        <p
          className="muted small"
          data-testid="text-summary"
          data-vocab={summary.vocabSize}
          data-truncated={summary.truncated}
          data-mean-tokens={attrNumber(summary.meanTokens)}
          data-tokenizer-ms={Math.round(summary.tokenizerMs)}
        >
          Subword tokenizer (BPE) learned from the training texts in {Math.round(summary.tokenizerMs)} ms:{' '}
          {summary.vocabSize.toLocaleString('en-US')} tokens, Unicode NFKC{summary.lowercase ? ', lower-cased' : ''}.
          Texts average {summary.meanTokens.toFixed(1)} tokens; {summary.truncated.toLocaleString('en-US')} (
          {fmtPercent(summary.truncated / Math.max(1, summary.texts))}) cut at {summary.maxLength}. Other columns are
          not used with a text input.
        </p>
      )}
    </div>
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
