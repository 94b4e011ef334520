import type { BackendChoice } from '../../shared/types';
import { useStudio } from '../store';
import { NumberField } from './NumberField';
import { Panel } from './Panel';

const BACKEND_OPTIONS: { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'auto (measure and pick the fastest)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'wasm', label: 'WASM (CPU, SIMD)' },
  { value: 'cpu', label: 'CPU (plain JavaScript)' },
];

export function SettingsPanel() {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  return (
    <Panel id="train-settings" step={3} title="Training">
      <div className="grid-2">
        <NumberField testId="epochs" label="Epochs" value={config.epochs} min={1} max={1000} integer onChange={(epochs) => setConfig({ epochs })} />
        <NumberField testId="batch-size" label="Batch size" value={config.batchSize} min={1} max={4096} integer onChange={(batchSize) => setConfig({ batchSize })} />
        <NumberField
          testId="learning-rate"
          label="Learning rate"
          value={config.learningRate}
          min={1e-7}
          max={100}
          hint="Adam; 0.001 is the usual start."
          onChange={(learningRate) => setConfig({ learningRate })}
        />
        <NumberField testId="seed" label="Seed" value={config.seed} min={0} max={2 ** 31 - 1} integer hint="Same seed, same start." onChange={(seed) => setConfig({ seed })} />
      </div>
      <label className="field">
        <span>Backend</span>
        <select data-testid="backend" value={config.backend} onChange={(e) => setConfig({ backend: e.target.value as BackendChoice })}>
          {BACKEND_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <small className="hint">Applied on the next start. If a backend cannot start, the next one runs and you are told why.</small>
      </label>
    </Panel>
  );
}
