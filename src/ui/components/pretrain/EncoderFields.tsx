import { useEffect, useState } from 'react';
import type { EncoderSpec } from '../../../shared/types/training';
import { useStudio } from '../../store';

/** Encoder kind and widths ("128" or "256, 64": the last is the bottleneck). */
export function EncoderFields({
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
