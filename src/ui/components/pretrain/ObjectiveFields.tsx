import type { ReactNode } from 'react';
import type { PretrainObjective } from '../../../shared/types/training';
import { useStudio } from '../../store';
import { NumberField } from '../NumberField';

/** The denoising autoencoder's corruption: masking a fraction of the inputs, or Gaussian noise. */
function NoiseFields({ locked }: { locked: boolean }) {
  const noise = useStudio((s) => s.config.noise);
  const setConfig = useStudio((s) => s.setConfig);
  return (
    <div className="grid-2">
      <label className="field">
        <span>Corruption</span>
        <select
          data-testid="noise-kind"
          value={noise.kind}
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
        label={noise.kind === 'mask' ? 'Fraction masked' : 'Noise std'}
        value={noise.level}
        min={0}
        max={noise.kind === 'mask' ? 0.99 : 10}
        disabled={locked}
        onChange={(level) => setConfig({ noise: { level } })}
      />
    </div>
  );
}

/** The GAN's generator input. */
function LatentField({ locked }: { locked: boolean }) {
  const latentSize = useStudio((s) => s.config.latentSize);
  const setConfig = useStudio((s) => s.setConfig);
  return (
    <NumberField
      testId="latent-size"
      label="Generator noise size"
      value={latentSize}
      min={1}
      max={1024}
      integer
      disabled={locked}
      onChange={(latentSize) => setConfig({ latentSize })}
    />
  );
}

/** Contrastive learning's temperature, and how its two views and negatives come about. */
function ContrastiveFields({ locked }: { locked: boolean }) {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  return (
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
        Each input is augmented twice; the encoder and a projection head (Dense, relu, Dense(64)) learn to pick an
        input's other view among the batch's {2 * config.batchSize - 1} others (NT-Xent). The augmentation below makes
        the views; a larger batch gives more negatives.
        {config.encoder.kind === 'conv' && ' The conv encoder ends in global max pooling, like the CNN.'}
      </p>
    </>
  );
}

/** Each objective's own settings, shown under the objective when it is chosen (none: nothing to set). */
export const OBJECTIVE_FIELDS: Partial<Record<PretrainObjective, (p: { locked: boolean }) => ReactNode>> = {
  denoising: NoiseFields,
  gan: LatentField,
  contrastive: ContrastiveFields,
};
