import { MODEL_LABELS, describeStage } from '../../shared/modelSpec';
import { isRunActive } from '../../shared/runState';
import type { ModelKind } from '../../shared/types/training';
import { useStudio } from '../store';
import { ListField } from './ListField';
import { Empty, Panel } from './Panel';

export function ModelPanel() {
  const ds = useStudio((s) => s.dataset);
  const config = useStudio((s) => s.config);
  const model = config.model;
  // The checkpoint fine-tuning starts from (config.initFrom is its id), or null from scratch.
  const startCheckpoint = useStudio((s) => s.checkpoints.find((c) => c.id === s.config.initFrom) ?? null);
  // A pretrained encoder is shown as its layers; a fine-tuned checkpoint has its own architecture.
  const startEncoder = startCheckpoint ? startCheckpoint.config.encoder : null;
  const setConfig = useStudio((s) => s.setConfig);
  const locked = useStudio((s) => isRunActive(s.run.state));
  const kinds: ModelKind[] = ds?.kind === 'image' ? ['mlp', 'cnn'] : ['mlp'];

  return (
    <Panel id="model" step={2} title="Model">
      <label className="field">
        <span>Architecture</span>
        <select
          data-testid="model-kind"
          value={model}
          disabled={locked || config.stage === 'pretrain' || config.initFrom !== 'scratch'}
          title={config.stage === 'pretrain' ? 'Pretraining trains the encoder set in Training' : undefined}
          onChange={(e) => setConfig({ model: e.target.value as ModelKind })}
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {MODEL_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      {model === 'cnn' && ds?.kind === 'image' && config.stage === 'finetune' && config.initFrom === 'scratch' && (
        <ListField
          testId="conv-blocks"
          label="Conv blocks (filters each)"
          value={config.convBlocks}
          disabled={locked}
          count={[1, 5]}
          maxValue={512}
          hint="Each block: Conv2D(3×3, relu) and MaxPool(2), halving the picture; then global max pooling."
          invalidHint='1 to 5 whole numbers from 1 to 512, such as "16, 32, 64".'
          onChange={(convBlocks) => setConfig({ convBlocks })}
        />
      )}
      {ds ? (
        <ol className="layers" aria-label="Layers">
          {(startCheckpoint?.stage === 'finetune'
            ? [`${startCheckpoint.name}: its network, all of it (from ${startCheckpoint.datasetName})`]
            : describeStage(
                config,
                ds.inputShape,
                ds.task === 'classification' ? ds.classNames.length : 0,
                startEncoder,
              )
          ).map((layer, i) => (
            <li key={i}>{layer}</li>
          ))}
        </ol>
      ) : (
        <Empty>The layers appear once a dataset is chosen (input size and classes come from it).</Empty>
      )}
      <p className="muted small">
        {config.stage === 'pretrain'
          ? 'Pretraining learns the encoder without labels; fine-tuning can then start from it.'
          : ds?.task === 'regression'
            ? 'Adam, mean squared error on the standardized target.'
            : 'Adam, categorical cross-entropy.'}
      </p>
    </Panel>
  );
}
