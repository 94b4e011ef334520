// Image augmentation on the device: each image of a batch gets its own random affine map (shift,
// zoom, rotation, optional mirror), brightness and contrast jitter, Gaussian noise and a cut-out
// square, within an AugmentSpec. Every choice comes from `seed`, so the same seed gives the same
// views (a run can be repeated); the caller changes the seed per batch.
import * as tf from '@tensorflow/tfjs';
import type { AugmentSpec } from '../../shared/types/training';
import { mulberry32 } from '../data/random';

/** A uniform draw in [-a, a]. */
const spread = (rand: () => number, a: number) => (rand() * 2 - 1) * a;

/**
 * The projective transform (tf.image.transform's 8 numbers) that maps each output pixel to the
 * input pixel it shows: the image turned by `angle`, scaled by `scale`, shifted by (tx, ty) pixels
 * about its centre, and mirrored left-right when `mirror`.
 */
export function affineRow(
  width: number,
  height: number,
  o: { angle: number; scale: number; tx: number; ty: number; mirror: boolean },
): number[] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const cos = Math.cos(o.angle) / o.scale;
  const sin = Math.sin(o.angle) / o.scale;
  // input = centre + R(-angle) / scale · (output − centre − shift)
  let a0 = cos;
  let a1 = sin;
  let a2 = cx - cos * (cx + o.tx) - sin * (cy + o.ty);
  const b0 = -sin;
  const b1 = cos;
  const b2 = cy + sin * (cx + o.tx) - cos * (cy + o.ty);
  if (o.mirror) {
    a0 = -a0;
    a1 = -a1;
    a2 = width - 1 - a2;
  }
  return [a0, a1, a2, b0, b1, b2, 0, 0];
}

/**
 * A changed copy of `images` ([n, height, width, channels], pixels scaled to 0..1), clipped to
 * 0..1. The input is not disposed; the result is a new tensor the caller owns.
 */
export function augmentImages(images: tf.Tensor4D, spec: AugmentSpec, seed: number): tf.Tensor4D {
  const [n, height, width] = images.shape;
  const rand = mulberry32(seed * 7919 + 13);
  return tf.tidy((): tf.Tensor4D => {
    let x: tf.Tensor4D = images;
    if (spec.shift > 0 || spec.zoom > 0 || spec.rotate > 0 || spec.flip) {
      const rows = new Float32Array(n * 8);
      for (let i = 0; i < n; i++)
        rows.set(
          affineRow(width, height, {
            angle: (spread(rand, spec.rotate) * Math.PI) / 180,
            scale: 1 + spread(rand, spec.zoom),
            tx: spread(rand, spec.shift) * width,
            ty: spread(rand, spec.shift) * height,
            mirror: spec.flip && rand() < 0.5,
          }),
          i * 8,
        );
      x = transformEach(x, rows);
    }
    if (spec.contrast > 0) {
      const factor = tf.tensor4d(
        Float32Array.from({ length: n }, () => 1 + spread(rand, spec.contrast)),
        [n, 1, 1, 1],
      );
      const mean = x.mean([1, 2, 3], true);
      x = x.sub(mean).mul(factor).add(mean);
    }
    if (spec.brightness > 0)
      x = x.add(
        tf.tensor4d(
          Float32Array.from({ length: n }, () => spread(rand, spec.brightness)),
          [n, 1, 1, 1],
        ),
      );
    if (spec.noise > 0)
      x = x.add(tf.randomNormal<tf.Rank.R4>(x.shape, 0, spec.noise, 'float32', Math.floor(rand() * 2 ** 31)));
    if (spec.cutout > 0) x = x.mul(cutoutMask(n, height, width, spec.cutout, rand));
    return x === images ? images.clone() : (x.clipByValue(0, 1) as tf.Tensor4D);
  });
}

/**
 * tf.image.transform over a batch, one transform per image. Pixels brought in from outside an
 * image repeat its edge (a digit's background stays black). tfjs 4.22's cpu kernel returns after
 * the first image of a batch (the rest come out as zeros), so on cpu each image goes alone; the
 * GPU and wasm kernels take the batch at once.
 */
function transformEach(images: tf.Tensor4D, rows: Float32Array): tf.Tensor4D {
  const n = images.shape[0];
  if (tf.getBackend() !== 'cpu' || n === 1)
    return tf.image.transform(images, tf.tensor2d(rows, [n, 8]), 'bilinear', 'nearest');
  const one = (i: number) =>
    tf.image.transform(
      images.slice([i, 0, 0, 0], [1, -1, -1, -1]),
      tf.tensor2d(rows.subarray(i * 8, i * 8 + 8), [1, 8]),
      'bilinear',
      'nearest',
    );
  return tf.concat(Array.from({ length: n }, (_, i) => one(i)));
}

/** 1 everywhere but a square of side `fraction` × the image side, at a random place, in half the images. */
function cutoutMask(n: number, height: number, width: number, fraction: number, rand: () => number): tf.Tensor4D {
  const mask = new Float32Array(n * height * width).fill(1);
  const side = Math.max(1, Math.round(Math.min(height, width) * fraction));
  for (let i = 0; i < n; i++) {
    if (rand() < 0.5) continue;
    const top = Math.floor(rand() * (height - side + 1));
    const left = Math.floor(rand() * (width - side + 1));
    for (let r = top; r < top + side; r++)
      mask.fill(0, i * height * width + r * width + left, i * height * width + r * width + left + side);
  }
  return tf.tensor4d(mask, [n, height, width, 1]);
}
