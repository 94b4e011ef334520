import type { DatasetPreview } from '../../../shared/types/datasets';
import { formatBytes } from '../../../shared/format';
import { isRunActive } from '../../../shared/runState';
import { useStudio } from '../../store';
import { ImageSetup } from '../ImageSetup';
import { ImageThumb } from '../ImageThumb';
import { TableSetup } from './TableSetup';

/** The current dataset: its facts, its setup (columns, text, images), class balance, skipped files, preview. */
export function DatasetSummaryView() {
  const ds = useStudio((s) => s.dataset);
  const busy = useStudio((s) => isRunActive(s.run.state) || !!s.datasetLoading);
  if (!ds) return null;
  return (
    <div
      data-testid="dataset-summary"
      data-name={ds.name}
      data-rows={ds.rows}
      data-features={ds.features}
      data-classes={ds.classNames.length}
      data-task={ds.task}
      data-test-rows={ds.split.test}
      data-train-rows={ds.split.train}
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
          <dd>{ds.task === 'regression' ? 'regression' : ds.task === 'none' ? 'unlabeled' : ds.classNames.length}</dd>
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
      {!!ds.unlabeled && (
        <p className="muted small" data-testid="unlabeled-count" data-count={ds.unlabeled}>
          Unlabeled rows: {ds.unlabeled.toLocaleString('en-US')} (pretraining and semi-supervised fine-tuning use them)
        </p>
      )}
      {ds.table && <TableSetup table={ds.table} task={ds.task} disabled={busy} textSummary={ds.text} />}
      {ds.kind === 'image' && ds.source === 'upload' && <ImageSetup disabled={busy} />}
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
