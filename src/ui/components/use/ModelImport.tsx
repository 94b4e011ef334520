import { useState } from 'react';
import { MODEL_LIMITS_TEXT } from '../../../shared/limits';
import { importModel } from '../../actions';

/** Brings a model back (the studio's zip, or model.json with its weights); once imported it is chosen. */
export function ModelImport({
  busy,
  setBusy,
  onImported,
}: {
  busy: string | null;
  setBusy: (b: string | null) => void;
  onImported: (source: string) => void;
}) {
  const [imported, setImported] = useState<string | null>(null);
  return (
    <div className="field">
      <span>Import</span>
      <div className="upload-row">
        <label className={`button-like${busy ? ' disabled' : ''}`}>
          Import model…
          <input
            data-testid="model-import"
            className="visually-hidden"
            type="file"
            multiple
            accept=".zip,.json,.bin"
            disabled={busy !== null}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              if (!files.length) return;
              setBusy('import');
              setImported(null);
              void importModel(files).then((c) => {
                setBusy(null);
                if (!c) return;
                setImported(c.name);
                onImported(c.source);
              });
            }}
          />
        </label>
      </div>
      <span className="muted small" data-testid="model-import-limits">
        {MODEL_LIMITS_TEXT}
      </span>
      {imported && (
        <span className="small" data-testid="model-import-status">
          Imported “{imported}”: it is listed with the checkpoints, usable here and as “Start from”.
        </span>
      )}
    </div>
  );
}
