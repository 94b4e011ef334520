import { useEffect, useRef } from 'react';

/** Draws uint8 grayscale or RGB pixels on a canvas, scaled up with crisp pixels by CSS. */
export function ImageThumb(props: {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
  label: string;
  caption?: boolean;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { pixels, width, height, channels } = props;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const r = pixels[i * channels]!;
      img.data[i * 4] = r;
      img.data[i * 4 + 1] = channels === 3 ? pixels[i * 3 + 1]! : r;
      img.data[i * 4 + 2] = channels === 3 ? pixels[i * 3 + 2]! : r;
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, width, height, channels]);
  return (
    <figure className="thumb">
      <canvas ref={ref} width={width} height={height} role="img" aria-label={`sample labelled ${props.label}`} />
      {props.caption !== false && <figcaption>{props.label}</figcaption>}
    </figure>
  );
}
