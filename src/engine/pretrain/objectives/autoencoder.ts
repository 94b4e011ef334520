// Autoencoders: the encoder and a mirrored decoder learn to reproduce their input (mean squared
// error); the denoising one reproduces the clean input from a corrupted copy.
import * as tf from '@tensorflow/tfjs';
import type { PretrainSnapshot } from '../../../shared/types/results';
import type { DenoisingSettings } from '../../../shared/objectives/denoising';
import { OBJECTIVES, settingsOf } from '../../../shared/objectives';
import { stepSeed } from '../../augment/batch';
import { toPixels, type Dataset } from '../../data/dataset';
import { measureAutoencoder } from '../../train/measure';
import { trainableVariables } from '../../train/loop';
import { corrupt } from '../corrupt';
import { buildDecoder } from '../models';
import { checkEncoderAnd, configuredEncoder, encoderKernels, inputs } from './common';
import type { ObjectiveContext, ObjectiveSession, PretrainMethod } from './method';

function session(
  { ds, cfg, encoder, shape, shown, rate }: ObjectiveContext,
  noise: DenoisingSettings | null,
): ObjectiveSession {
  const decoder = buildDecoder(cfg.encoder, ds.inputShape, ds.kind === 'image', cfg.seed);
  const opt = tf.train.adam(cfg.learningRate);
  const vars = [...trainableVariables(encoder), ...trainableVariables(decoder)];
  const reconstruct = (x: tf.Tensor, training: boolean) =>
    decoder.apply(encoder.apply(x, { training }), { training }) as tf.Tensor;
  let report: Awaited<ReturnType<typeof reconstructionReport>> | null = null;
  return {
    step: (r, start, end, step) => {
      rate(step, opt);
      // An augmented view is both the input and the target: the encoder learns what survives it.
      const clean = inputs(ds, shape, r, start, end, { spec: cfg.augmentation, seed: stepSeed(cfg.seed, step) });
      const input = noise ? corrupt(clean, noise) : clean;
      try {
        return [
          opt.minimize(
            () => tf.losses.meanSquaredError(clean, reconstruct(input, true)) as tf.Scalar,
            true,
            vars,
          ) as tf.Scalar,
        ];
      } finally {
        tf.dispose(noise ? [clean, input] : [clean]);
      }
    },
    heldOut: async () => {
      report = await reconstructionReport(ds, shape, shown, (x) => reconstruct(x, false), noise);
      return { valLoss: report.mse, valAccuracy: NaN, loss: report.mse };
    },
    pictures: async () => ({ images: report?.images, columnErrors: report?.columnErrors }),
    dispose: () => {
      decoder.dispose();
      opt.dispose();
    },
  };
}

function autoencoderMethod(id: 'autoencoder' | 'denoising'): PretrainMethod {
  return {
    info: OBJECTIVES[id],
    series: ['reconstruction'],
    build: (ds, cfg) =>
      configuredEncoder(ds, cfg, (ctx) =>
        session(ctx, id === 'denoising' ? settingsOf(cfg.objective, 'denoising') : null),
      ),
    checkSize: (ds, cfg, limits) =>
      checkEncoderAnd(ds, cfg, limits, () => [buildDecoder(cfg.encoder, ds.inputShape, ds.kind === 'image', cfg.seed)]),
    kernels: encoderKernels,
    measure: (ds, cfg) => measureAutoencoder(cfg.encoder, ds, cfg.batchSize),
  };
}

export const autoencoder = autoencoderMethod('autoencoder');
export const denoising = autoencoderMethod('denoising');

/** Held-out reconstruction error, the picture grid (images) and the error per column (tables). */
async function reconstructionReport(
  ds: Dataset,
  shape: number[],
  rows: Int32Array,
  reconstruct: (x: tf.Tensor) => tf.Tensor,
  noise: DenoisingSettings | null,
) {
  const x = inputs(ds, shape, rows, 0, rows.length);
  // Denoising: the pictures show the corrupted inputs that were actually reconstructed.
  const corrupted = noise ? corrupt(x, noise) : null;
  const out = tf.tidy(() => reconstruct(corrupted ?? x));
  const perFeature = tf.tidy(() => out.sub(x).square().reshape([rows.length, -1]).mean(0));
  const [outData, featErr, inData] = await Promise.all([out.data(), perFeature.data(), (corrupted ?? x).data()]);
  tf.dispose([x, out, perFeature, ...(corrupted ? [corrupted] : [])]);
  const mse = Array.from(featErr).reduce((a, b) => a + b, 0) / featErr.length;
  const report: { mse: number; images?: PretrainSnapshot['images']; columnErrors?: PretrainSnapshot['columnErrors'] } =
    { mse };
  if (ds.kind === 'image') {
    const [h, w, c] = ds.inputShape as [number, number, number];
    const n = Math.min(8, rows.length);
    report.images = {
      kind: 'reconstruction',
      height: h,
      width: w,
      channels: c,
      inputs: toPixels(inData as Float32Array, n, h * w * c),
      outputs: toPixels(outData as Float32Array, n, h * w * c),
    };
  } else if (ds.preprocessing.kind === 'table') {
    // One-hot inputs are summed back to their column.
    const errors: { column: string; mse: number }[] = [];
    let k = 0;
    for (const f of ds.preprocessing.features) {
      const width = f.type === 'numeric' ? 1 : f.categories.length + (f.other ? 1 : 0);
      let sum = 0;
      for (let j = 0; j < width; j++) sum += featErr[k + j]!;
      errors.push({ column: f.column, mse: sum });
      k += width;
    }
    report.columnErrors = errors;
  }
  return report;
}
