import { HEARTBEAT } from '../../shared/protocol';
import { formatBytes } from '../../shared/format';
import { useStudio } from '../store';
import { Panel } from './Panel';

/**
 * The worker's memory (tensors alive, their bytes, the GPU's share) from its heartbeat, and the
 * tensor count at the end of each epoch of the current run: flat when nothing leaks.
 */
export function Diagnostics() {
  const memory = useStudio((s) => s.memory);
  const perEpoch = useStudio((s) => s.run.epochMemory);
  const ready = useStudio((s) => s.workerReady);
  // A leak grows every epoch. One step up is not one: early stopping keeps a copy of the best
  // weights from epoch 2 on, and unfreezing gives the optimizer slots for more weights.
  const last = perEpoch.slice(-3).map((e) => e.tensors);
  const grew = last.length === 3 && last[0]! < last[1]! && last[1]! < last[2]!;
  return (
    <Panel id="diagnostics" title="Diagnostics">
      <dl
        className="facts diagnostics"
        data-testid="diagnostics"
        data-tensors={memory?.tensors}
        data-bytes={memory?.bytes}
        data-gpu-bytes={memory?.gpuBytes}
        data-backend={memory?.backend || undefined}
        data-epoch-tensors={perEpoch.map((e) => e.tensors).join(' ') || undefined}
        data-worker={ready ? 'alive' : 'starting'}
      >
        <div>
          <dt>Tensors</dt>
          <dd>{memory ? memory.tensors.toLocaleString('en-US') : '–'}</dd>
        </div>
        <div>
          <dt>Tensor memory</dt>
          <dd>{formatBytes(memory?.bytes)}</dd>
        </div>
        <div>
          <dt>On the GPU</dt>
          <dd title="webgpu and webgl only">{memory?.gpuBytes !== undefined ? formatBytes(memory.gpuBytes) : 'n/a'}</dd>
        </div>
        <div>
          <dt>Worker</dt>
          <dd
            title={`It reports every ${HEARTBEAT.periodMs / 1000} s; after ${HEARTBEAT.timeoutMs / 1000} s of silence it is restarted.`}
          >
            {ready ? 'alive' : 'starting…'}
          </dd>
        </div>
      </dl>
      {perEpoch.length > 0 && (
        <p className={grew ? 'notice warn small' : 'muted small'} data-testid="epoch-tensors">
          Tensors after each epoch: {perEpoch.map((e) => e.tensors).join(', ')}
          {grew ? ' — growing: something keeps tensors it should free.' : ' — flat.'}
        </p>
      )}
    </Panel>
  );
}
