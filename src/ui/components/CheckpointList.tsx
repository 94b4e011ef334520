import { useEffect, useState } from 'react';
import { isRunActive } from '../../shared/runState';
import type { CheckpointInfo } from '../../shared/types/models';
import { deleteCheckpoint, downloadModel, evaluateOnDemand, renameCheckpoint, resumeCheckpoint } from '../actions';
import { formatBytes } from '../../shared/format';
import { attrNumber, fmtNumber, fmtPercent } from '../format';
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

function CheckpointRow({ c, busy, onStartFrom }: { c: CheckpointInfo; busy: boolean; onStartFrom: () => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(c.name);
  const resumable = c.stage === 'finetune' && c.epoch < c.totalEpochs && !c.tags.includes('final');
  return (
    <li
      className="checkpoint"
      data-testid="checkpoint-item"
      data-id={c.id}
      data-stage={c.stage}
      data-epoch={c.epoch}
      data-run={c.runKey}
      data-tags={c.tags.join(' ')}
      data-probe={attrNumber(c.probeAccuracy)}
      data-val-loss={attrNumber(c.valLoss)}
    >
      <div className="cp-main">
        {editing ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setEditing(false);
              if (name.trim() && name !== c.name) void renameCheckpoint(c.id, name);
            }}
          >
            <input
              aria-label="Checkpoint name"
              value={name}
              autoFocus
              onChange={(e) => setName(e.target.value)}
              onBlur={() => setEditing(false)}
            />
          </form>
        ) : (
          <button className="link" title="Rename" data-testid="checkpoint-rename" onClick={() => setEditing(true)}>
            {c.name}
          </button>
        )}
        <span className="muted small">
          {c.origin === 'import'
            ? `imported from ${c.importedFrom} · ${c.datasetName} · `
            : `${c.stage} · epoch ${c.epoch}/${c.totalEpochs} · `}
          {c.stage === 'finetune' && Number.isFinite(c.valAccuracy) ? `val acc ${fmtPercent(c.valAccuracy)} · ` : ''}
          {Number.isFinite(c.valLoss) ? `val loss ${fmtNumber(c.valLoss, 3)} · ` : ''}
          {c.probeAccuracy !== undefined ? `probe ${fmtPercent(c.probeAccuracy)} · ` : ''}
          {formatBytes(c.bytes)} · {new Date(c.createdAt).toLocaleString()}
          {c.tags.length ? ` · ${c.tags.map((t) => (t === 'bestProbe' ? 'best probe' : t)).join(', ')}` : ''}
        </span>
        {c.tags.includes('bestProbe') && (
          <span
            className="badge"
            data-testid="best-probe-badge"
            title="The run's encoder whose outputs a linear probe classified best (validation split)"
          >
            best probe {fmtPercent(c.probeAccuracy)}
          </span>
        )}
      </div>
      <div className="cp-actions">
        <button
          data-testid="checkpoint-resume"
          disabled={busy || !resumable}
          title={
            resumable
              ? 'Continue this run to its last epoch'
              : c.origin === 'import'
                ? 'An imported model has no run to resume: use "Start from" to train it further'
                : c.stage === 'pretrain'
                  ? 'Pretraining runs are not resumed; start fine-tuning from this encoder'
                  : 'The run ended here'
          }
          onClick={() => void resumeCheckpoint(c.id)}
        >
          Resume
        </button>
        <button
          data-testid="checkpoint-start-from"
          disabled={busy}
          onClick={onStartFrom}
          title="Fine-tune starting from this checkpoint"
        >
          Start from
        </button>
        {c.stage === 'finetune' && (
          <button
            data-testid="checkpoint-evaluate"
            disabled={busy}
            onClick={() => void evaluateOnDemand(c.id)}
            title="Test metrics of this checkpoint on the current dataset"
          >
            Evaluate
          </button>
        )}
        <button
          data-testid="checkpoint-download"
          onClick={() => void downloadModel(c.id, 'zip')}
          title="Download this checkpoint's model as a .zip (model.json, weights, preprocessing.json)"
          aria-label={`Download ${c.name}`}
        >
          Download
        </button>
        <button
          data-testid="checkpoint-download-onnx"
          onClick={() => void downloadModel(c.id, 'onnx')}
          title="Download this checkpoint's network as model.onnx (ONNX Runtime)"
          aria-label={`Download ${c.name} as ONNX`}
        >
          ONNX
        </button>
        {c.stage === 'finetune' && (
          <button
            data-testid="checkpoint-download-pytorch"
            onClick={() => void downloadModel(c.id, 'pytorch')}
            title="Download a PyTorch project (torchrun) that continues this run"
            aria-label={`Download ${c.name} as a PyTorch project`}
          >
            PyTorch
          </button>
        )}
        <button
          data-testid="checkpoint-delete"
          disabled={busy}
          onClick={() => void deleteCheckpoint(c.id)}
          aria-label={`Delete ${c.name}`}
        >
          Delete
        </button>
      </div>
    </li>
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
