import { useCallback, useRef, useState, type PointerEvent } from 'react';

/** The drawing canvas's size in CSS pixels (the model sees it resized to its input). */
export const CANVAS = 280;

/**
 * A canvas to draw a digit on (white on black): its ref, pointer handlers, whether anything is drawn;
 * each stroke's end hands the picture to `onStrokeEnd`.
 */
export function useDrawing(onStrokeEnd: (image: Blob) => void) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<{ x: number; y: number } | null>(null);
  const [drawn, setDrawn] = useState(false);

  const blank = () => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, CANVAS, CANVAS);
  };

  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * CANVAS, y: ((e.clientY - r.top) / r.height) * CANVAS };
  };
  const stroke = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 22;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  };

  const setCanvas = useCallback((el: HTMLCanvasElement | null) => {
    canvas.current = el;
    const ctx = el?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, CANVAS, CANVAS);
  }, []);
  const toBlob = () =>
    new Promise<Blob | null>((resolve) => {
      if (canvas.current) canvas.current.toBlob(resolve, 'image/png');
      else resolve(null);
    });

  return {
    /** The canvas element's ref (a callback: it also paints a new canvas black). */
    setCanvas,
    drawn,
    clear: () => {
      blank();
      setDrawn(false);
    },
    toBlob,
    handlers: {
      onPointerDown: (e: PointerEvent<HTMLCanvasElement>) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        drawing.current = point(e);
        stroke(drawing.current, drawing.current);
        setDrawn(true);
      },
      onPointerMove: (e: PointerEvent<HTMLCanvasElement>) => {
        if (!drawing.current) return;
        const p = point(e);
        stroke(drawing.current, p);
        drawing.current = p;
      },
      onPointerUp: () => {
        drawing.current = null;
        void toBlob().then((blob) => blob && onStrokeEnd(blob));
      },
    },
  };
}
