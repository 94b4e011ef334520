import type { ReactNode } from 'react';
import type { ModelCard } from '../../../shared/types/models';
import { useStudio } from '../../store';

const IMAGE_TYPES = 'image/png,image/jpeg,image/webp,image/gif,image/bmp';

/** An image for a picture model: chosen, dropped here, or (28×28 grayscale models) drawn. */
export function ImageInput({
  card,
  draw,
  onImage,
}: {
  card: ModelCard;
  /** The drawing canvas, for digit models; null for other picture models. */
  draw: ReactNode;
  onImage: (image: Blob) => void;
}) {
  return (
    <div
      className="inference-inputs"
      data-testid="inference-drop"
      // An image dropped here is a question for the model, not a dataset (App leaves it alone).
      onDragOver={(e) => e.dataTransfer.types.includes('Files') && e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        const f = Array.from(e.dataTransfer.files).find(
          (x) => x.type.startsWith('image/') || /\.(png|jpe?g|webp|gif|bmp)$/i.test(x.name),
        );
        if (f) onImage(f);
        else
          useStudio
            .getState()
            .pushAlert('Drop one image file (PNG, JPEG, WebP, GIF or BMP) here to try the model on it.');
      }}
    >
      {draw}
      <label className="field">
        <span>
          {draw ? 'Draw a digit (white on black), or choose or drop an image' : 'Choose or drop an image'} (
          {card.image?.height}×{card.image?.width} {card.image?.channels === 3 ? 'RGB' : 'grayscale'} after centre-crop
          and resize)
        </span>
        <input
          data-testid="inference-image"
          type="file"
          accept={IMAGE_TYPES}
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) onImage(f);
          }}
        />
      </label>
    </div>
  );
}
