import { loadBuiltin } from '../actions';
import { useStudio } from '../store';
import type { BuiltinDatasetName, DatasetPreview } from '../../shared/types';
import { ImageThumb } from './ImageThumb';
import { Empty, Panel } from './Panel';

const BUILTINS: { value: BuiltinDatasetName; label: string }[] = [
  { value: 'mnist', label: 'MNIST digits (10,000 images)' },
  { value: 'iris', label: 'Iris flowers (150 rows)' },
];

export function DataPanel() {
  const builtin = useStudio((s) => s.builtin);
  const loading = useStudio((s) => s.datasetLoading);
  const ds = useStudio((s) => s.dataset);
  const runActive = useStudio((s) => ['starting', 'running', 'paused'].includes(s.run.state));

  return (
    <Panel id="data" step={1} title="Data">
      <label className="field">
        <span>Built-in dataset</span>
        <select
          data-testid="dataset-builtin"
          value={builtin}
          disabled={runActive}
          onChange={(e) => void loadBuiltin(e.target.value as BuiltinDatasetName)}
        >
          <option value="" disabled>
            Choose a dataset…
          </option>
          {BUILTINS.map((b) => (
            <option key={b.value} value={b.value}>
              {b.label}
            </option>
          ))}
        </select>
      </label>
      {loading && (
        <p className="muted" role="status">
          Loading {loading}…
        </p>
      )}
      {!ds && !loading && <Empty>Choose a built-in dataset to begin. MNIST trains the reference model out of the box.</Empty>}
      {ds && (
        <div
          data-testid="dataset-summary"
          data-name={ds.name}
          data-rows={ds.rows}
          data-features={ds.features}
          data-classes={ds.classNames.length}
          className="summary"
        >
          <p className="muted">{ds.description}</p>
          <dl className="facts">
            <div>
              <dt>Rows</dt>
              <dd>{ds.rows.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>Features</dt>
              <dd>{ds.kind === 'image' ? `${ds.inputShape.join('×')}` : ds.features}</dd>
            </div>
            <div>
              <dt>Classes</dt>
              <dd>{ds.classNames.length}</dd>
            </div>
            <div>
              <dt>Split</dt>
              <dd>
                {ds.split.train} / {ds.split.val} / {ds.split.test}
              </dd>
            </div>
          </dl>
          <DatasetPreviewView preview={ds.preview} />
        </div>
      )}
    </Panel>
  );
}

function DatasetPreviewView({ preview }: { preview: DatasetPreview }) {
  if (preview.kind === 'image')
    return (
      <div className="thumbs" aria-label="Sample images">
        {preview.images.slice(0, 12).map((img, i) => (
          <ImageThumb key={i} pixels={img.pixels} width={preview.width} height={preview.height} channels={preview.channels} label={img.label} />
        ))}
      </div>
    );
  return (
    <div className="table-wrap">
      <table className="preview-table">
        <thead>
          <tr>
            {preview.columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.slice(0, 5).map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
