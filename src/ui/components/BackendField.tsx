import type { BackendChoice } from '../../shared/types/backends';
import { useStudio } from '../store';

const BACKEND_OPTIONS: { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'auto (measure and pick the fastest)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'wasm', label: 'WASM (CPU, SIMD)' },
  { value: 'cpu', label: 'CPU (plain JavaScript)' },
];

/** The backend the next run starts on. */
export function BackendField() {
  const backend = useStudio((s) => s.config.backend);
  const setConfig = useStudio((s) => s.setConfig);
  return (
    <label className="field">
      <span>Backend</span>
      <select
        data-testid="backend"
        value={backend}
        onChange={(e) => setConfig({ backend: e.target.value as BackendChoice })}
      >
        {BACKEND_OPTIONS.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <small className="hint">
        Applied on the next start. If a backend cannot start, the next one runs and you are told why.
      </small>
    </label>
  );
}
