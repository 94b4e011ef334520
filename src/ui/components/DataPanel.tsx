import { useRef } from 'react';
import type { BuiltinDatasetName, DatasetPreview } from '../../shared/types/datasets';
import { LIMITS_TEXT } from '../../shared/limits';
import { isRunActive } from '../../shared/runState';
import { loadBuiltin, loadFiles } from '../actions';
import { formatBytes } from '../../shared/format';
import { useStudio } from '../store';
import { timeLeftText } from '../timeLeft';
import { ImageSetup } from './ImageSetup';
import { ImageThumb } from './ImageThumb';
import { Empty, Panel } from './Panel';
import { TableSetup } from './TableSetup';

const BUILTINS: { value: BuiltinDatasetName; label: string }[] = [
  { value: 'mnist', label: 'MNIST digits (10,000 images)' },
  { value: 'iris', label: 'Iris flowers (150 rows)' },
  { value: 'spam', label: 'Spam or ham: SpamAssassin mails (text)' },
];

export function DataPanel() {
  const loading = useStudio((s) => s.datasetLoading);
  const progress = useStudio((s) => s.datasetProgress);
  const timeLeft = progress ? timeLeftText(progress.fraction, progress.elapsedMs) : null;
  const ds = useStudio((s) => s.dataset);
  const runActive = useStudio((s) => isRunActive(s.run.state));
  const folderInput = useRef<HTMLInputElement>(null);
  const builtinValue = ds?.source === 'builtin' ? ds.name : '';

  return (
    <Panel id="data" step={1} title="Data">
      <div className="source-row">
        <label className="field">
          <span>Built-in dataset</span>
          <select
            data-testid="dataset-builtin"
            value={builtinValue}
            disabled={runActive}
            onChange={(e) => void loadBuiltin(e.target.value as BuiltinDatasetName)}
          >
            <option value="" disabled>
              {ds?.source === 'upload' ? 'Your data is loaded' : 'Choose…'}
            </option>
            {BUILTINS.map((b) => (
              <option key={b.value} value={b.value}>
                {b.label}
              </option>
            ))}
          </select>
        </label>
        <div className="field">
          <span>Your data</span>
          <div className="upload-row">
            <label className={`button-like${runActive ? ' disabled' : ''}`}>
              Files…
              <input
                data-testid="dataset-file"
                className="visually-hidden"
                type="file"
                multiple
                accept=".csv,.tsv,.txt,.zip,image/png,image/jpeg,image/webp,image/gif,image/bmp"
                disabled={runActive}
                onChange={(e) => {
                  const files = Array.from(e.target.files ?? []);
                  e.target.value = ''; // choosing the same file again still loads it
                  if (files.length) void loadFiles(files);
                }}
              />
            </label>
            <button type="button" disabled={runActive} onClick={() => folderInput.current?.click()}>
              Folder…
            </button>
            <input
              ref={folderInput}
              data-testid="dataset-folder"
              className="visually-hidden"
              type="file"
              tabIndex={-1}
              {...{ webkitdirectory: '', directory: '' }}
              onChange={(e) => {
                const files = Array.from(e.target.files ?? []);
                e.target.value = '';
                if (files.length) void loadFiles(files);
              }}
            />
          </div>
        </div>
      </div>
      <p className="hint">
        CSV/TSV with a header row (a column of text is read as text), a .zip with one folder per class (of images, or of
        .txt files), images (unlabeled), or a .txt file with one text per line (unlabeled, for pretraining). Or drop
        them anywhere on the page. {LIMITS_TEXT}.
      </p>
      {loading && (
        <div
          className="loading"
          role="status"
          data-testid="dataset-progress"
          data-fraction={progress ? progress.fraction.toFixed(3) : undefined}
        >
          <span className="muted small">
            {progress?.phase ?? 'Loading'} {loading}… {progress ? `${Math.round(progress.fraction * 100)}%` : ''}
            {progress?.done !== undefined && progress.total !== undefined && (
              <>
                {' · '}
                <span data-testid="dataset-progress-count">
                  {progress.done.toLocaleString('en-US')} / {progress.total.toLocaleString('en-US')}
                </span>
              </>
            )}
            {timeLeft && (
              <>
                {' · '}
                <span data-testid="dataset-time-left">{timeLeft}</span>
              </>
            )}
          </span>
          <div
            className="bar"
            role="progressbar"
            aria-label="Loading progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round((progress?.fraction ?? 0) * 100)}
          >
            <div className="bar-fill" style={{ transform: `scaleX(${progress?.fraction ?? 0})` }} />
          </div>
        </div>
      )}
      {!ds && !loading && (
        <Empty>Choose a built-in dataset or bring your own. MNIST trains the reference model out of the box.</Empty>
      )}
      {ds && (
        <div
          data-testid="dataset-summary"
          data-name={ds.name}
          data-rows={ds.rows}
          data-features={ds.features}
          data-classes={ds.classNames.length}
          data-task={ds.task}
          data-test-rows={ds.split.test}
          className="summary"
        >
          <p className="muted">{ds.description}</p>
          <dl className="facts">
            <div>
              <dt>Rows</dt>
              <dd>{ds.rows.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>{ds.kind === 'image' ? 'Image' : ds.kind === 'text' ? 'Tokens' : 'Inputs'}</dt>
              <dd>{ds.kind === 'image' ? ds.inputShape.join('×') : ds.features}</dd>
            </div>
            <div>
              <dt>Classes</dt>
              <dd>
                {ds.task === 'regression' ? 'regression' : ds.task === 'none' ? 'unlabeled' : ds.classNames.length}
              </dd>
            </div>
            <div>
              <dt>Split</dt>
              <dd title="train / validation / test">
                {ds.split.train} / {ds.split.val} / {ds.split.test}
              </dd>
            </div>
            {ds.table && (
              <div>
                <dt>File</dt>
                <dd>{formatBytes(ds.table.bytes)}</dd>
              </div>
            )}
          </dl>
          {ds.table && (
            <TableSetup table={ds.table} task={ds.task} disabled={runActive || !!loading} textSummary={ds.text} />
          )}
          {ds.kind === 'image' && ds.source === 'upload' && <ImageSetup disabled={runActive || !!loading} />}
          {ds.classCounts.length > 0 && <ClassBalance names={ds.classNames} counts={ds.classCounts} />}
          {ds.skippedFiles && ds.skippedFiles.length > 0 && (
            <details className="skipped" data-testid="skipped-files" data-count={ds.skippedFiles.length}>
              <summary>
                {ds.skippedFiles.length} file{ds.skippedFiles.length > 1 ? 's' : ''} skipped
              </summary>
              <ul>
                {ds.skippedFiles.slice(0, 50).map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
            </details>
          )}
          <DatasetPreviewView preview={ds.preview} />
        </div>
      )}
    </Panel>
  );
}

function ClassBalance({ names, counts }: { names: string[]; counts: number[] }) {
  const max = Math.max(...counts, 1);
  return (
    <div className="balance" data-testid="class-balance" role="group" aria-label="Rows per class">
      {names.slice(0, 30).map((n, i) => (
        <div key={n} className="balance-row" data-class={n} data-count={counts[i]}>
          <span className="balance-name" title={n}>
            {n}
          </span>
          <span className="balance-bar" style={{ width: `${(counts[i]! / max) * 100}%` }} />
          <span className="balance-count">{counts[i]}</span>
        </div>
      ))}
      {names.length > 30 && <span className="muted small">… and {names.length - 30} more classes</span>}
    </div>
  );
}

function DatasetPreviewView({ preview }: { preview: DatasetPreview }) {
  if (preview.kind === 'image')
    return (
      <div
        className="thumbs"
        role="group"
        aria-label="Sample images"
        data-testid="image-preview"
        data-count={preview.images.length}
      >
        {preview.images.slice(0, 24).map((img, i) => (
          <ImageThumb
            key={i}
            pixels={img.pixels}
            width={preview.width}
            height={preview.height}
            channels={preview.channels}
            label={img.label}
          />
        ))}
      </div>
    );
  if (preview.kind === 'text')
    return (
      <ul className="text-preview" data-testid="text-preview" data-count={preview.texts.length}>
        {preview.texts.map((t, i) => (
          <li key={i}>
            {t.label && <span className="text-label">{t.label}</span>}
            <span className="text-body">{t.text}</span>
            <span className="tokens" aria-label="Tokens" data-testid="text-tokens" data-count={t.tokens.length}>
              {t.tokens.map((tok, j) => (
                <code key={j}>{tok}</code>
              ))}
              {t.tokens.length >= 48 && <span className="muted small"> …</span>}
            </span>
          </li>
        ))}
      </ul>
    );
  return (
    <div className="table-wrap" data-testid="table-preview">
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
