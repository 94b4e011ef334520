import { TRANSFORMER_LIMITS } from '../../shared/limits';
import { MODEL_LABELS, describeStage } from '../../shared/modelSpec';
import { isRunActive } from '../../shared/runState';
import type { ModelKind, TextModelSpec } from '../../shared/types/training';
import { useStudio } from '../store';
import { ListField } from './ListField';
import { NumberField } from './NumberField';
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
  const kinds: ModelKind[] = ds?.kind === 'image' ? ['mlp', 'cnn'] : ds?.kind === 'text' ? ['transformer'] : ['mlp'];
  const text = ds?.kind === 'text';

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
      {text && (config.stage === 'pretrain' || config.initFrom === 'scratch') && (
        <TransformerSettings value={config.text} disabled={locked} onChange={(t) => setConfig({ text: t })} />
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
                startCheckpoint?.config.text,
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
          : text
            ? 'Optimizer and rate as set in Training; a short warm-up helps a Transformer start.'
            : ds?.task === 'regression'
              ? 'Adam, mean squared error on the standardized target.'
              : 'Adam, categorical cross-entropy.'}
      </p>
    </Panel>
  );
}

/** The Transformer's shape: width, heads, blocks, MLP width, pooling and dropout. */
function TransformerSettings({
  value: t,
  disabled,
  onChange,
}: {
  value: TextModelSpec;
  disabled: boolean;
  onChange: (t: TextModelSpec) => void;
}) {
  const set = (patch: Partial<TextModelSpec>) => onChange({ ...t, ...patch });
  return (
    <div className="grid-3" data-testid="transformer-settings">
      <NumberField
        testId="text-width"
        label="Width"
        value={t.width}
        min={TRANSFORMER_LIMITS.width[0]}
        max={TRANSFORMER_LIMITS.width[1]}
        integer
        disabled={disabled}
        onChange={(width) => set({ width })}
      />
      <NumberField
        testId="text-heads"
        label="Heads"
        value={t.heads}
        min={TRANSFORMER_LIMITS.heads[0]}
        max={TRANSFORMER_LIMITS.heads[1]}
        integer
        disabled={disabled}
        onChange={(heads) => set({ heads })}
      />
      <NumberField
        testId="text-layers"
        label="Blocks"
        value={t.layers}
        min={TRANSFORMER_LIMITS.layers[0]}
        max={TRANSFORMER_LIMITS.layers[1]}
        integer
        disabled={disabled}
        onChange={(layers) => set({ layers })}
      />
      <NumberField
        testId="text-mlp"
        label="MLP width"
        value={t.mlpWidth}
        min={TRANSFORMER_LIMITS.mlpWidth[0]}
        max={TRANSFORMER_LIMITS.mlpWidth[1]}
        integer
        disabled={disabled}
        onChange={(mlpWidth) => set({ mlpWidth })}
      />
      <NumberField
        testId="text-dropout"
        label="Dropout"
        value={t.dropout}
        min={TRANSFORMER_LIMITS.dropout[0]}
        max={TRANSFORMER_LIMITS.dropout[1]}
        disabled={disabled}
        onChange={(dropout) => set({ dropout })}
      />
      <label className="field">
        <span>Pooling</span>
        <select
          data-testid="text-pooling"
          value={t.pooling}
          disabled={disabled}
          onChange={(e) => set({ pooling: e.target.value as TextModelSpec['pooling'] })}
        >
          <option value="mean">mean over tokens</option>
          <option value="cls">[CLS] token</option>
        </select>
      </label>
    </div>
  );
}
