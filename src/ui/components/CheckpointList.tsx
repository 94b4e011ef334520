import { useEffect, useState } from 'react';
import { isRunActive } from '../../shared/runState';
import { resumeCheckpoint } from '../actions';
import { CheckpointRow } from './CheckpointRow';
import { formatBytes } from '../../shared/format';
import { useStudio } from '../store';
import { Empty, Panel } from './Panel';

/** Checkpoints in this browser: resume, rename, delete, start fine-tuning from one; and storage. */
export function CheckpointList() {
  const checkpoints = useStudio((s) => s.checkpoints);
  const interrupted = useStudio((s) => s.interrupted);
  const busy = useStudio((s) => isRunActive(s.run.state) || s.startRequested || s.datasetLoading !== null);
  const setConfig = useStudio((s) => s.setConfig);
  return (
    <Panel id="checkpoints" title="Checkpoints" aside={<StorageLine count={checkpoints.length} />}>
      {interrupted
        .filter(
          (r) => r.checkpoint && r.checkpoint.stage === 'finetune' && r.checkpoint.epoch < r.checkpoint.totalEpochs,
        )
        .map((r) => (
          <div key={r.runKey} className="notice warn interrupted" data-testid="interrupted-run" data-run={r.runKey}>
            <span>
              “{r.title}” was interrupted by a reload; its last checkpoint is epoch {r.checkpoint!.epoch} of{' '}
              {r.checkpoint!.totalEpochs}.
            </span>
            <button className="primary" disabled={busy} onClick={() => void resumeCheckpoint(r.checkpoint!.id)}>
              Resume
            </button>
          </div>
        ))}
      {!checkpoints.length && (
        <Empty>
          Every run saves a checkpoint after each epoch (the latest 3, the best and the last are kept). They stay in
          this browser across reloads.
        </Empty>
      )}
      <ul className="checkpoints" data-testid="checkpoint-list" data-count={checkpoints.length}>
        {checkpoints.map((c) => (
          <CheckpointRow
            key={c.id}
            c={c}
            busy={busy}
            onStartFrom={() => setConfig({ stage: 'finetune', initFrom: c.id })}
          />
        ))}
      </ul>
    </Panel>
  );
}

let askedPersist = false;

/** Used and available browser storage, and whether it is persistent (asked for once, and on a click). */
function StorageLine({ count }: { count: number }) {
  const [info, setInfo] = useState<{ usage: number; quota: number; persisted: boolean | null } | null>(null);
  useEffect(() => {
    let cancelled = false;
    const read = async () => {
      const estimate = await navigator.storage?.estimate();
      let persisted = (await navigator.storage?.persisted?.()) ?? null;
      // Once there are checkpoints worth keeping, ask the browser once not to evict them.
      if (count > 0 && persisted === false && !askedPersist) {
        askedPersist = true;
        persisted = await navigator.storage.persist().catch(() => false);
      }
      if (!cancelled && estimate) setInfo({ usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted });
    };
    void read();
    return () => {
      cancelled = true;
    };
  }, [count]);
  if (!info) return null;
  return (
    <span className="muted small storage" data-testid="storage-info" data-persisted={String(info.persisted)}>
      {formatBytes(info.usage)} of {formatBytes(info.quota)} used ·{' '}
      {info.persisted ? (
        'persistent'
      ) : (
        <button
          className="link"
          title="Ask the browser not to clear this site's data when space runs low"
          onClick={() => void navigator.storage.persist().then((persisted) => setInfo({ ...info, persisted }))}
        >
          {info.persisted === false ? 'not persistent (ask)' : 'ask to persist'}
        </button>
      )}
    </span>
  );
}
