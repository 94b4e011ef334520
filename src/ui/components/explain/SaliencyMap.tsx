import { useEffect, useRef } from 'react';
import type { AttributionMethod } from '../../../shared/types/explain';

/** Heat 0-1 as a warm overlay: transparent where the model did not look, yellow-red where it did. */
function overlay(heat: number): [number, number, number, number] {
  return [255, Math.round(220 * (1 - heat)), 0, Math.round(200 * heat)];
}

/**
 * The picture in gray with its attribution heat laid over it, scaled up with crisp pixels by CSS.
 * data-peak is the pixel (row-major index) the method weighs most: tests read where it looked.
 */
export function SaliencyMap(props: {
  method: AttributionMethod;
  image: { height: number; width: number; channels: number; pixels: Uint8Array; heat: Float32Array };
  label: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { height, width, channels, pixels, heat } = props.image;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const gray =
        channels === 3 ? (pixels[i * 3]! + pixels[i * 3 + 1]! + pixels[i * 3 + 2]!) / 3 : pixels[i * channels]!;
      const [r, g, b, a] = overlay(heat[i]!);
      const mix = a / 255;
      const base = 40 + gray * 0.6; // dimmed, so the heat reads on white digits too
      img.data[i * 4] = base * (1 - mix) + r * mix;
      img.data[i * 4 + 1] = base * (1 - mix) + g * mix;
      img.data[i * 4 + 2] = base * (1 - mix) + b * mix;
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, heat, width, height, channels]);
  let peak = 0;
  for (let i = 1; i < heat.length; i++) if (heat[i]! > heat[peak]!) peak = i;
  return (
    <figure className="thumb saliency" data-testid="saliency-map" data-method={props.method} data-peak={peak}>
      <canvas ref={ref} width={width} height={height} role="img" aria-label={props.label} />
      <figcaption className="muted small">{props.label}</figcaption>
    </figure>
  );
}
