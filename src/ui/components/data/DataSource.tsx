import { useRef } from 'react';
import type { BuiltinDatasetName } from '../../../shared/types/datasets';
import { isRunActive } from '../../../shared/runState';
import { loadBuiltin, loadFiles } from '../../actions';
import { useStudio } from '../../store';

const BUILTINS: { value: BuiltinDatasetName; label: string }[] = [
  { value: 'mnist', label: 'MNIST digits (10,000 images)' },
  { value: 'iris', label: 'Iris flowers (150 rows)' },
  { value: 'spam', label: 'Spam or ham: SpamAssassin mails (text)' },
];

/** Where the data comes from: a built-in dataset, files, or a folder (dropping them works too). */
export function DataSource() {
  const ds = useStudio((s) => s.dataset);
  const runActive = useStudio((s) => isRunActive(s.run.state));
  const folderInput = useRef<HTMLInputElement>(null);
  const builtinValue = ds?.source === 'builtin' ? ds.name : '';
  return (
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
  );
}
