import { useState } from 'react';
import { HEARTBEAT } from '../../shared/protocol';
import { formatBytes } from '../../shared/format';
import { useStudio } from '../store';
import { Panel } from './Panel';
import { WASM_THREADS_KEY, savedWasmThreads } from '../wasmThreadsSetting';

/**
 * The worker's memory (tensors alive, their bytes, the GPU's share) from its heartbeat, and the
 * tensor count at the end of each epoch of the current run: flat when nothing leaks.
 */
export function Diagnostics() {
  const memory = useStudio((s) => s.memory);
  const perEpoch = useStudio((s) => s.run.epochMemory);
  const ready = useStudio((s) => s.workerReady);
  const wasm = useStudio((s) => s.run.backend?.wasm);
  const isolated = globalThis.crossOriginIsolated === true;
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
          <dt>Cross-origin isolated</dt>
          <dd data-testid="isolation" data-isolated={String(isolated)}>
            {isolated
              ? 'yes: WASM may use threads'
              : 'no: WASM runs one thread (the server sends no COOP/COEP headers)'}
          </dd>
        </div>
        <div>
          <dt>WASM threads</dt>
          <dd>
            <WasmThreadsSetting />
            {wasm ? ` · ${wasm.threads} running` : ''}
          </dd>
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

/** The WASM thread count the next worker starts with (0: the default, one); it applies after a reload. */
function WasmThreadsSetting() {
  const [value, setValue] = useState(savedWasmThreads());
  const [changed, setChanged] = useState(false);
  return (
    <>
      <input
        type="number"
        min={0}
        max={64}
        className="narrow"
        data-testid="wasm-threads-setting"
        aria-label="WASM threads (0: the default, one)"
        title="0: the default, one thread (measured faster for training: tfjs-backend-wasm runs matrix products on one thread). A number sets the threads, up to the logical cores and 8. Takes effect when the page is reloaded."
        value={value}
        onChange={(e) => {
          const n = Math.max(0, Math.min(64, Math.round(Number(e.target.value) || 0)));
          setValue(n);
          setChanged(true);
          localStorage.setItem(WASM_THREADS_KEY, String(n));
        }}
      />
      {changed && <span className="muted small"> (after a reload)</span>}
    </>
  );
}
