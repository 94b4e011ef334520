import { useEffect, useState } from 'react';
import { isRunActive } from '../../shared/runState';
import type { BackendChoice } from '../../shared/types/backends';
import type { EncoderSpec, PretrainObjective, Stage } from '../../shared/types/training';
import { useStudio } from '../store';
import { AugmentationSettings } from './AugmentationSettings';
import { FinetuneSettings, learningRateHint } from './FinetuneSettings';
import { NumberField } from './NumberField';
import { Panel } from './Panel';
import { LrFinder } from './LrFinder';
import { StageDefaults } from './StageDefaults';

const BACKEND_OPTIONS: { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'auto (measure and pick the fastest)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'wasm', label: 'WASM (CPU, SIMD)' },
  { value: 'cpu', label: 'CPU (plain JavaScript)' },
];

const OBJECTIVES: { value: PretrainObjective; label: string }[] = [
  { value: 'autoencoder', label: 'Autoencoder (reconstruction, MSE)' },
  { value: 'denoising', label: 'Denoising autoencoder' },
  { value: 'gan', label: 'GAN (discriminator becomes the encoder)' },
  { value: 'contrastive', label: 'Contrastive (SimCLR: two augmented views agree)' },
];
/** Text pretrains by predicting hidden words; the Transformer's shape is set in the Model panel. */
const TEXT_OBJECTIVES: { value: PretrainObjective; label: string }[] = [
  { value: 'mlm', label: 'Masked language model (BERT: predict 15% hidden tokens)' },
];

export function SettingsPanel() {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  const ds = useStudio((s) => s.dataset);
  const locked = useStudio((s) => isRunActive(s.run.state));
  const stage = config.stage;

  return (
    <Panel id="train-settings" step={3} title="Training">
      <div className="tabs" role="tablist" aria-label="Stage">
        {(['pretrain', 'finetune'] as Stage[]).map((s) => (
          <button
            key={s}
            role="tab"
            data-testid={`stage-${s}`}
            aria-selected={stage === s}
            className={stage === s ? 'tab active' : 'tab'}
            disabled={locked}
            onClick={() => setConfig({ stage: s })}
          >
            {s === 'pretrain' ? 'Pretrain (no labels)' : 'Fine-tune (labels)'}
          </button>
        ))}
      </div>
      {stage === 'pretrain' ? (
        <div className="stage-settings" role="tabpanel" aria-label="Pretraining">
          <label className="field">
            <span>Objective</span>
            <select
              data-testid="pretrain-objective"
              value={config.objective}
              disabled={locked}
              onChange={(e) => setConfig({ objective: e.target.value as PretrainObjective })}
            >
              {(ds?.kind === 'text' ? TEXT_OBJECTIVES : OBJECTIVES).map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          {ds?.kind === 'text' ? (
            <p className="hint" data-testid="mlm-hint">
              The Transformer set in the Model panel learns to fill in masked tokens of every training and validation
              text (no labels); held-out perplexity is measured each epoch.
            </p>
          ) : (
            <EncoderFields
              spec={config.encoder}
              images={ds?.kind === 'image'}
              disabled={locked}
              onChange={(encoder) => setConfig({ encoder })}
              onKind={(kind) => setConfig({ encoder: { kind } })}
            />
          )}
          {config.objective === 'denoising' && (
            <div className="grid-2">
              <label className="field">
                <span>Corruption</span>
                <select
                  data-testid="noise-kind"
                  value={config.noise.kind}
                  disabled={locked}
                  onChange={(e) =>
                    setConfig({
                      noise: {
                        kind: e.target.value as 'mask' | 'gaussian',
                        level: e.target.value === 'mask' ? 0.3 : 0.5,
                      },
                    })
                  }
                >
                  <option value="mask">mask a fraction of inputs</option>
                  <option value="gaussian">Gaussian noise</option>
                </select>
              </label>
              <NumberField
                testId="noise-level"
                label={config.noise.kind === 'mask' ? 'Fraction masked' : 'Noise std'}
                value={config.noise.level}
                min={0}
                max={config.noise.kind === 'mask' ? 0.99 : 10}
                disabled={locked}
                onChange={(level) => setConfig({ noise: { level } })}
              />
            </div>
          )}
          {config.objective === 'gan' && (
            <NumberField
              testId="latent-size"
              label="Generator noise size"
              value={config.latentSize}
              min={1}
              max={1024}
              integer
              disabled={locked}
              onChange={(latentSize) => setConfig({ latentSize })}
            />
          )}
          {config.objective === 'contrastive' && (
            <>
              <NumberField
                testId="temperature"
                label="Temperature"
                value={config.temperature}
                min={0.01}
                max={10}
                disabled={locked}
                onChange={(temperature) => setConfig({ temperature })}
              />
              <p className="hint">
                Each input is augmented twice; the encoder and a projection head (Dense, relu, Dense(64)) learn to pick
                an input's other view among the batch's {2 * config.batchSize - 1} others (NT-Xent). The augmentation
                below makes the views; a larger batch gives more negatives.
                {config.encoder.kind === 'conv' && ' The conv encoder ends in global max pooling, like the CNN.'}
              </p>
            </>
          )}
          <p className="hint">
            Uses every row except the test split, labelled or not; labels are ignored. The encoder is kept for
            fine-tuning. With labels, each epoch's encoder is probed (linear and k-NN accuracy on the validation split,
            trained under the label budget set under Fine-tune).
          </p>
        </div>
      ) : (
        <FinetuneSettings locked={locked} />
      )}
      {ds?.kind !== 'text' && <AugmentationSettings locked={locked} />}
      <div className="grid-2">
        <NumberField
          testId="epochs"
          label="Epochs"
          value={config.epochs}
          min={1}
          max={1000}
          integer
          onChange={(epochs) => setConfig({ epochs })}
        />
        <NumberField
          testId="batch-size"
          label="Batch size"
          value={config.batchSize}
          min={1}
          max={4096}
          integer
          onChange={(batchSize) => setConfig({ batchSize })}
        />
        <NumberField
          testId="learning-rate"
          label="Learning rate"
          value={config.learningRate}
          min={1e-7}
          max={10_000}
          hint={learningRateHint(config)}
          onChange={(learningRate) => setConfig({ learningRate })}
        />
        <NumberField
          testId="seed"
          label="Seed"
          value={config.seed}
          min={0}
          max={2 ** 31 - 1}
          integer
          hint="Same seed, same start."
          onChange={(seed) => setConfig({ seed })}
        />
        <NumberField
          testId="checkpoint-every"
          label="Checkpoint every (epochs)"
          value={config.checkpointEvery}
          min={1}
          max={1000}
          integer
          hint="And after the last epoch."
          onChange={(checkpointEvery) => setConfig({ checkpointEvery })}
        />
        <NumberField
          testId="keep-last"
          label="Keep latest"
          value={config.keepLast}
          min={1}
          max={100}
          integer
          hint="Plus the best and the final one."
          onChange={(keepLast) => setConfig({ keepLast })}
        />
      </div>
      <LrFinder locked={locked} />
      <StageDefaults locked={locked} />
      <label className="field">
        <span>Backend</span>
        <select
          data-testid="backend"
          value={config.backend}
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
    </Panel>
  );
}

/** Encoder kind and widths ("128" or "256, 64": the last is the bottleneck). */
function EncoderFields({
  spec,
  images,
  disabled,
  onChange,
  onKind,
}: {
  spec: EncoderSpec;
  images: boolean;
  disabled: boolean;
  onChange: (s: EncoderSpec) => void;
  /** Only the kind chosen: its widths follow the objective. */
  onKind: (kind: EncoderSpec['kind']) => void;
}) {
  const [text, setText] = useState(spec.widths.join(', '));
  const [shown, setShown] = useState(spec.widths.join(', '));
  const current = spec.widths.join(', ');
  if (current !== shown) {
    setShown(current);
    setText(current);
  }
  const widths = text
    .split(/[,\s]+/)
    .filter(Boolean)
    .map(Number);
  const valid =
    widths.length > 0 && widths.length <= 6 && widths.every((w) => Number.isInteger(w) && w >= 1 && w <= 4096);
  const setInvalid = useStudio((s) => s.setFieldInvalid);
  useEffect(() => {
    setInvalid('encoder-widths', !valid);
    return () => setInvalid('encoder-widths', false); // a field that goes away blocks nothing
  }, [setInvalid, valid]);
  return (
    <div className="grid-2">
      <label className="field">
        <span>Encoder</span>
        <select
          data-testid="encoder-kind"
          value={spec.kind}
          disabled={disabled || !images}
          onChange={(e) => onKind(e.target.value as EncoderSpec['kind'])}
        >
          <option value="dense">dense layers</option>
          <option value="conv">convolutional (images)</option>
        </select>
      </label>
      <label className="field">
        <span>{spec.kind === 'dense' ? 'Units per layer' : 'Filters per block'}</span>
        <input
          data-testid="encoder-widths"
          value={text}
          disabled={disabled}
          aria-invalid={!valid}
          onChange={(e) => {
            setText(e.target.value);
            const w = e.target.value
              .split(/[,\s]+/)
              .filter(Boolean)
              .map(Number);
            const ok = w.length > 0 && w.length <= 6 && w.every((v) => Number.isInteger(v) && v >= 1 && v <= 4096);
            if (ok) {
              setShown(w.join(', '));
              onChange({ ...spec, widths: w });
            }
          }}
        />
        <small className={valid ? 'hint' : 'hint invalid'}>
          {valid ? 'The last is the bottleneck.' : 'Give 1 to 6 whole numbers, such as "128" or "256, 64".'}
        </small>
      </label>
    </div>
  );
}
