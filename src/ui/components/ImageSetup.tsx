import type { ImageOptions } from '../../shared/types/datasets';
import { configureImages } from '../actions';
import { useStudio } from '../store';

/** Size and colour the uploaded images are decoded to (applied to the current images at once). */
export function ImageSetup({ disabled }: { disabled: boolean }) {
  const options = useStudio((s) => s.imageOptions);
  const apply = (patch: Partial<ImageOptions>) => void configureImages({ ...options, ...patch });
  return (
    <div className="grid-2">
      <label className="field">
        <span>Image size</span>
        <select
          data-testid="image-size"
          value={options.size}
          disabled={disabled}
          onChange={(e) => apply({ size: Number(e.target.value) as ImageOptions['size'] })}
        >
          <option value={28}>28 × 28</option>
          <option value={32}>32 × 32</option>
          <option value={64}>64 × 64</option>
        </select>
      </label>
      <label className="field">
        <span>Colour</span>
        <select
          data-testid="image-color"
          value={options.color}
          disabled={disabled}
          onChange={(e) => apply({ color: e.target.value as ImageOptions['color'] })}
        >
          <option value="grayscale">grayscale</option>
          <option value="rgb">RGB</option>
        </select>
      </label>
    </div>
  );
}
