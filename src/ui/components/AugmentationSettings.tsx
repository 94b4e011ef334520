import { useEffect, useState } from 'react';
import { AUGMENT_PRESETS } from '../../shared/augmentation';
import type { AugmentPreview } from '../../shared/types/datasets';
import type { AugmentSpec } from '../../shared/types/training';
import { previewAugmentation } from '../actions';
import { useStudio } from '../store';
import { ImageThumb } from './ImageThumb';
import { NumberField } from './NumberField';

const PRESETS: { value: AugmentSpec['preset']; label: string }[] = [
  { value: 'off', label: 'Off' },
  { value: 'light', label: 'Light' },
  { value: 'strong', label: 'Strong' },
  { value: 'custom', label: 'Custom' },
];

type NumericKey = Exclude<keyof AugmentSpec, 'preset' | 'flip'>;

/** The settings each kind of data uses: [key, label, max, hint]. */
const IMAGE_FIELDS: [NumericKey, string, number, string][] = [
  ['shift', 'Shift (share of the side)', 0.5, '0.1 moves by up to a tenth of the image.'],
  ['zoom', 'Zoom', 0.5, '0.1: scale 0.9 to 1.1.'],
  ['rotate', 'Rotation (degrees)', 180, 'Either way.'],
  ['brightness', 'Brightness', 1, 'Added, on pixels scaled to 0–1.'],
  ['contrast', 'Contrast', 1, 'How far the factor may be from 1.'],
  ['noise', 'Noise (std)', 2, 'Gaussian, on pixels scaled to 0–1.'],
  ['cutout', 'Cut-out (share of the side)', 0.9, 'A square erased in half the images.'],
];
const TABLE_FIELDS: [NumericKey, string, number, string][] = [
  ['noise', 'Noise (std)', 2, 'On the standardized numeric columns.'],
  ['corruption', 'Corruption (share of features)', 0.9, 'Taken from another row of the batch.'],
];

/**
 * Augmentation of training batches (both stages): a preset or the single settings, and a preview of
 * a few training samples as the loop will see them.
 */
export function AugmentationSettings({ locked }: { locked: boolean }) {
  const spec = useStudio((s) => s.config.augmentation);
  const setConfig = useStudio((s) => s.setConfig);
  const ds = useStudio((s) => s.dataset);
  const seed = useStudio((s) => s.config.seed);
  const images = ds?.kind === 'image';
  const set = (patch: Partial<AugmentSpec>) => setConfig({ augmentation: { ...spec, ...patch, preset: 'custom' } });
  const choose = (preset: AugmentSpec['preset']) =>
    setConfig({ augmentation: preset === 'custom' ? { ...spec, preset } : AUGMENT_PRESETS[preset] });

  return (
    <fieldset className="group augmentation">
      <legend>Augmentation (training batches only)</legend>
      <label className="field">
        <span>Preset</span>
        <select
          data-testid="augmentation"
          value={spec.preset}
          disabled={locked}
          onChange={(e) => choose(e.target.value as AugmentSpec['preset'])}
        >
          {PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      {spec.preset !== 'off' && (
        <details>
          <summary>Settings</summary>
          <div className="grid-2">
            {(images ? IMAGE_FIELDS : TABLE_FIELDS).map(([key, label, max, hint]) => (
              <NumberField
                key={key}
                testId={`augment-${key}`}
                label={label}
                value={spec[key]}
                min={0}
                max={max}
                hint={hint}
                disabled={locked}
                onChange={(v) => set({ [key]: v })}
              />
            ))}
            {images && (
              <label className="field checkbox">
                <input
                  type="checkbox"
                  data-testid="augment-flip"
                  checked={spec.flip}
                  disabled={locked}
                  onChange={(e) => set({ flip: e.target.checked })}
                />
                <span>Mirror left–right (not for digits or text)</span>
              </label>
            )}
          </div>
        </details>
      )}
      {ds && spec.preset !== 'off' && (
        <AugmentationPreview spec={spec} seed={seed} datasetKey={`${ds.name}:${ds.rows}`} />
      )}
    </fieldset>
  );
}

/** Samples before and after augmentation, asked of the worker whenever the settings change. */
function AugmentationPreview({ spec, seed, datasetKey }: { spec: AugmentSpec; seed: number; datasetKey: string }) {
  const [preview, setPreview] = useState<{ key: string; value: AugmentPreview } | null>(null);
  const key = `${datasetKey}|${seed}|${JSON.stringify(spec)}`;
  useEffect(() => {
    let cancelled = false;
    // A short pause, so that typing a value does not ask for a preview per keystroke.
    const timer = setTimeout(() => {
      void previewAugmentation(spec, seed).then((value) => {
        if (!cancelled && value) setPreview({ key, value });
      });
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, spec, seed]);
  const p = preview?.value;
  if (!p) return <p className="hint">Preparing the preview…</p>;
  if (p.kind === 'image')
    return (
      <div
        className="augment-preview"
        data-testid="augmentation-preview"
        data-count={p.views.length}
        data-current={preview.key === key}
      >
        {(['originals', 'views'] as const).map((row) => (
          <div key={row} className="thumbs" aria-label={row === 'originals' ? 'Training samples' : 'As augmented'}>
            {p[row].map((pixels, i) => (
              <ImageThumb
                key={i}
                pixels={pixels}
                width={p.width}
                height={p.height}
                channels={p.channels}
                label={row === 'originals' ? 'original' : 'augmented'}
                caption={false}
              />
            ))}
          </div>
        ))}
      </div>
    );
  return (
    <table
      className="augment-preview"
      data-testid="augmentation-preview"
      data-count={p.views.length}
      data-current={preview.key === key}
    >
      <thead>
        <tr>
          <th />
          {p.columns.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {p.views.map((row, r) => [
          <tr key={`o${r}`}>
            <th>row {r + 1}</th>
            {p.originals[r]!.map((v, k) => (
              <td key={k}>{v}</td>
            ))}
          </tr>,
          <tr key={`v${r}`} className="augmented">
            <th>augmented</th>
            {row.map((v, k) => (
              <td key={k} className={v !== p.originals[r]![k] ? 'changed' : undefined}>
                {v}
              </td>
            ))}
          </tr>,
        ])}
      </tbody>
    </table>
  );
}
