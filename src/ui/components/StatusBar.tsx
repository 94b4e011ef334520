import { useEffect, useState } from 'react';
import { formatBytes } from '../../shared/format';
import { useStudio } from '../store';

/** The status line: backend really running, adapter, worker memory and browser storage. */
export function StatusBar() {
  const backend = useStudio((s) => s.run.backend);
  const progress = useStudio((s) => s.run.progress);
  const ready = useStudio((s) => s.workerReady);
  const storage = useStorageEstimate();
  const adapter = backend?.adapter;
  return (
    <div className="statusbar" aria-label="Status">
      <span
        data-testid="backend-active"
        data-backend={backend?.active}
        data-wasm-threads={backend?.wasm?.threads}
        title={backend?.reason}
      >
        backend <strong>{backend ? backend.active : ready ? 'not started' : 'loading…'}</strong>
        {backend?.wasm && (
          <span title={backend.wasm.note}>
            {' '}
            · {backend.wasm.threads} thread{backend.wasm.threads === 1 ? '' : 's'}
          </span>
        )}
      </span>
      {adapter && (
        <span title={adapter.description}>
          adapter <strong>{adapter.architecture || adapter.vendor || 'unknown'}</strong>
          {adapter.isFallbackAdapter ? ' (software)' : ''}
        </span>
      )}
      {progress && (
        <span data-testid="memory" data-tensors={progress.tensors}>
          tensors <strong>{progress.tensors}</strong> · {formatBytes(progress.bytes)}
        </span>
      )}
      {storage && (
        <span>
          storage {formatBytes(storage.usage)} of {formatBytes(storage.quota)}
        </span>
      )}
    </div>
  );
}

/** Browser storage in use, read again whenever the checkpoint list changes (the dataset is in it too). */
function useStorageEstimate(): { usage: number; quota: number } | null {
  const [estimate, setEstimate] = useState<{ usage: number; quota: number } | null>(null);
  const checkpoints = useStudio((s) => s.checkpoints);
  const dataset = useStudio((s) => s.dataset);
  useEffect(() => {
    let cancelled = false;
    navigator.storage
      ?.estimate()
      .then((e) => !cancelled && setEstimate({ usage: e.usage ?? 0, quota: e.quota ?? 0 }))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [checkpoints, dataset]);
  return estimate;
}
