import { MODEL_LABELS, describeModel } from '../../shared/modelSpec';
import type { ModelKind } from '../../shared/types';
import { useStudio } from '../store';
import { Empty, Panel } from './Panel';

export function ModelPanel() {
  const ds = useStudio((s) => s.dataset);
  const model = useStudio((s) => s.config.model);
  const setConfig = useStudio((s) => s.setConfig);
  const locked = useStudio((s) => ['starting', 'running', 'paused'].includes(s.run.state));
  const kinds: ModelKind[] = ds?.kind === 'image' ? ['mlp', 'cnn'] : ['mlp'];

  return (
    <Panel id="model" step={2} title="Model">
      <label className="field">
        <span>Architecture</span>
        <select data-testid="model-kind" value={model} disabled={locked} onChange={(e) => setConfig({ model: e.target.value as ModelKind })}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {MODEL_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      {ds ? (
        <ol className="layers" aria-label="Layers">
          {describeModel(model, ds.inputShape, ds.classNames.length).map((layer, i) => (
            <li key={i}>{layer}</li>
          ))}
        </ol>
      ) : (
        <Empty>The layers appear once a dataset is chosen (input size and classes come from it).</Empty>
      )}
      <p className="muted small">Adam, categorical cross-entropy. The first Dense layer is the encoder that pretraining will feed.</p>
    </Panel>
  );
}
