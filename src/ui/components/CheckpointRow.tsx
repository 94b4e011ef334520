import { useState } from 'react';
import type { CheckpointInfo } from '../../shared/types/models';
import { deleteCheckpoint, downloadModel, evaluateOnDemand, renameCheckpoint, resumeCheckpoint } from '../actions';
import { formatBytes } from '../../shared/format';
import { attrNumber, fmtNumber, fmtPercent } from '../format';

/** One checkpoint: its name (click to rename), what it is, and what can be done with it. */
export function CheckpointRow({ c, busy, onStartFrom }: { c: CheckpointInfo; busy: boolean; onStartFrom: () => void }) {
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
      <CheckpointName c={c} />
      <CheckpointActions c={c} busy={busy} onStartFrom={onStartFrom} />
    </li>
  );
}

/** The name (a button that turns into a field), the checkpoint's figures, and its best-probe badge. */
function CheckpointName({ c }: { c: CheckpointInfo }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(c.name);
  return (
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
  );
}

/** Why a checkpoint can or cannot be resumed, for the button's title. */
function resumeTitle(c: CheckpointInfo, resumable: boolean): string {
  if (resumable) return 'Continue this run to its last epoch';
  if (c.origin === 'import') return 'An imported model has no run to resume: use "Start from" to train it further';
  if (c.stage === 'pretrain') return 'Pretraining runs are not resumed; start fine-tuning from this encoder';
  return 'The run ended here';
}

/** Resume, start from, evaluate, the downloads, delete. */
function CheckpointActions({ c, busy, onStartFrom }: { c: CheckpointInfo; busy: boolean; onStartFrom: () => void }) {
  const resumable = c.stage === 'finetune' && c.epoch < c.totalEpochs && !c.tags.includes('final');
  return (
    <div className="cp-actions">
      <button
        data-testid="checkpoint-resume"
        disabled={busy || !resumable}
        title={resumeTitle(c, resumable)}
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
  );
}
