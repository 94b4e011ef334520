// Networks for pretraining: an encoder (the product of this stage), a decoder mirroring it, and a
// GAN's generator and discriminator head. Kept as separate models and chained with apply(), so
// the encoder's weights can be saved alone and each network's variables updated alone.
import * as tf from '@tensorflow/tfjs';
import type { EncoderSpec } from '../../shared/types/training';

const init = (seed: number, k: number) => tf.initializers.glorotUniform({ seed: seed * 131 + k });

/** Input shape of an encoder: flat for dense encoders, the image for conv encoders. */
export function encoderInputShape(spec: EncoderSpec, sampleShape: number[]): number[] {
  if (spec.kind === 'dense') return [sampleShape.reduce((a, b) => a * b, 1)];
  if (sampleShape.length !== 3)
    throw new Error('A convolutional encoder needs image data; choose a dense encoder for tables.');
  const [h, w] = sampleShape as [number, number, number];
  const f = 2 ** spec.widths.length;
  // Only a decoder needs the halvings to be exact (it mirrors them); pooling globally does not.
  if (spec.globalPool) {
    if (Math.min(h, w) < f)
      throw new Error(`A conv encoder with ${spec.widths.length} blocks needs images of at least ${f}×${f} pixels.`);
    return sampleShape;
  }
  if (h % f || w % f)
    throw new Error(
      `A conv encoder with ${spec.widths.length} blocks needs an image size divisible by ${f}; ${h}×${w} is not. Use fewer blocks.`,
    );
  return sampleShape;
}

export function validateEncoder(spec: EncoderSpec): void {
  if (
    !spec.widths.length ||
    spec.widths.length > 6 ||
    spec.widths.some((w) => !Number.isInteger(w) || w < 1 || w > 4096)
  )
    throw new Error('Encoder layers: give 1 to 6 whole numbers from 1 to 4096, such as "128" or "256, 64".');
}

export function buildEncoder(spec: EncoderSpec, sampleShape: number[], seed: number): tf.Sequential {
  validateEncoder(spec);
  const inputShape = encoderInputShape(spec, sampleShape);
  const enc = tf.sequential({ name: 'encoder' });
  spec.widths.forEach((w, i) => {
    const first = i === 0 ? { inputShape } : {};
    if (spec.kind === 'dense')
      enc.add(
        tf.layers.dense({
          ...first,
          units: w,
          activation: 'relu',
          kernelInitializer: init(seed, i),
          name: `encoder_dense_${i + 1}`,
        }),
      );
    else {
      enc.add(
        tf.layers.conv2d({
          ...first,
          filters: w,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: init(seed, i),
          name: `encoder_conv_${i + 1}`,
        }),
      );
      enc.add(tf.layers.maxPooling2d({ poolSize: 2, name: `encoder_pool_${i + 1}` }));
    }
  });
  if (spec.kind === 'conv' && spec.globalPool) enc.add(tf.layers.globalMaxPooling2d({ name: 'encoder_global_pool' }));
  return enc;
}

/**
 * SimCLR's projection head: Dense(relu) as wide as the encoder's output, then Dense(out). The loss
 * is taken on its outputs, so the encoder's features keep what the augmentations would erase.
 */
export function buildProjection(encoder: tf.LayersModel, out: number, seed: number): tf.Sequential {
  const shape = encoder.outputs[0]!.shape.slice(1) as number[];
  const width = shape.reduce((a, b) => a * b, 1);
  const head = tf.sequential({ name: 'projection_head' });
  if (shape.length > 1) head.add(tf.layers.flatten({ inputShape: shape }));
  head.add(
    tf.layers.dense({
      ...(shape.length > 1 ? {} : { inputShape: shape }),
      units: width,
      activation: 'relu',
      kernelInitializer: init(seed, 301),
    }),
  );
  head.add(tf.layers.dense({ units: out, kernelInitializer: init(seed, 302) }));
  return head;
}

/** Mirrors the encoder back to the input; sigmoid for pixels in [0, 1], linear for standardized tables. */
export function buildDecoder(spec: EncoderSpec, sampleShape: number[], pixels: boolean, seed: number): tf.Sequential {
  const inputShape = encoderInputShape(spec, sampleShape);
  const dec = tf.sequential({ name: 'decoder' });
  const out = pixels ? 'sigmoid' : 'linear';
  if (spec.kind === 'dense') {
    const widths = spec.widths.slice(0, -1).reverse();
    const bottleneck = spec.widths[spec.widths.length - 1]!;
    widths.forEach((w, i) =>
      dec.add(
        tf.layers.dense({
          ...(i === 0 ? { inputShape: [bottleneck] } : {}),
          units: w,
          activation: 'relu',
          kernelInitializer: init(seed, 50 + i),
        }),
      ),
    );
    dec.add(
      tf.layers.dense({
        ...(widths.length ? {} : { inputShape: [bottleneck] }),
        units: inputShape[0]!,
        activation: out,
        kernelInitializer: init(seed, 99),
      }),
    );
    return dec;
  }
  const [h, w, c] = inputShape as [number, number, number];
  const f = 2 ** spec.widths.length;
  const reversed = [...spec.widths].reverse();
  reversed.forEach((filters, i) => {
    dec.add(
      tf.layers.upSampling2d({
        ...(i === 0 ? { inputShape: [h / f, w / f, spec.widths[spec.widths.length - 1]!] } : {}),
        size: [2, 2],
      }),
    );
    dec.add(
      tf.layers.conv2d({
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(seed, 50 + i),
      }),
    );
  });
  dec.add(
    tf.layers.conv2d({
      filters: c,
      kernelSize: 3,
      padding: 'same',
      activation: out,
      kernelInitializer: init(seed, 99),
    }),
  );
  return dec;
}

/** The discriminator's head on top of the encoder: one logit, real versus generated. */
export function buildCritic(encoder: tf.LayersModel, seed: number): tf.Sequential {
  const head = tf.sequential({ name: 'discriminator_head' });
  const outShape = (encoder.outputs[0]!.shape.slice(1) as number[]).filter((d) => d !== null);
  if (outShape.length > 1) head.add(tf.layers.flatten({ inputShape: outShape }));
  head.add(
    tf.layers.dense({
      ...(outShape.length > 1 ? {} : { inputShape: outShape }),
      units: 1,
      kernelInitializer: init(seed, 77),
    }),
  );
  return head;
}

/** Generator: noise -> data. Small MLP for flat data; a DCGAN-style upsampler for conv images. */
export function buildGenerator(
  spec: EncoderSpec,
  sampleShape: number[],
  latent: number,
  pixels: boolean,
  seed: number,
): tf.Sequential {
  const inputShape = encoderInputShape(spec, sampleShape);
  const gen = tf.sequential({ name: 'generator' });
  const out = pixels ? 'sigmoid' : 'linear';
  if (spec.kind === 'dense') {
    gen.add(
      tf.layers.dense({
        inputShape: [latent],
        units: Math.max(64, spec.widths[0]!),
        activation: 'relu',
        kernelInitializer: init(seed, 201),
      }),
    );
    gen.add(tf.layers.dense({ units: inputShape[0]!, activation: out, kernelInitializer: init(seed, 202) }));
    return gen;
  }
  const [h, w, c] = inputShape as [number, number, number];
  gen.add(
    tf.layers.dense({
      inputShape: [latent],
      units: (h / 4) * (w / 4) * 32,
      activation: 'relu',
      kernelInitializer: init(seed, 201),
    }),
  );
  gen.add(tf.layers.reshape({ targetShape: [h / 4, w / 4, 32] }));
  gen.add(
    tf.layers.conv2dTranspose({
      filters: 16,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(seed, 202),
    }),
  );
  gen.add(
    tf.layers.conv2dTranspose({
      filters: c,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      activation: out,
      kernelInitializer: init(seed, 203),
    }),
  );
  return gen;
}
