// Grad-CAM (Selvaraju et al. 2017) for the studio's convolutional networks: the last convolution's
// channels weighted by the mean gradient of the score over each channel, summed, negatives cut,
// scaled up to the input's size and divided by the largest.
import * as tf from '@tensorflow/tfjs';

/** The layers of a network that is a single chain, nested chains opened, in order. */
export function chainLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const out: tf.layers.Layer[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    if (layer instanceof tf.LayersModel) out.push(...chainLayers(layer));
    else out.push(layer);
  }
  return out;
}

/** Whether Grad-CAM can explain this network (it has a 2-D convolution in a chain of layers). */
export function hasConvolution(model: tf.LayersModel): boolean {
  return model.layers.length > 0 && chainLayers(model).some((l) => l.getClassName() === 'Conv2D');
}

/**
 * The map for `classIndex` (or the output, < 0) of x [1, h, w, c]: [h, w] values in 0-1. The
 * network must be a chain (Sequential, or a functional model whose layers follow one another).
 */
export function gradCam(model: tf.LayersModel, x: tf.Tensor4D, classIndex: number): tf.Tensor2D {
  const layers = chainLayers(model);
  const last = layers.map((l) => l.getClassName()).lastIndexOf('Conv2D');
  if (last < 0)
    throw new Error('Grad-CAM reads a convolution, and this network has none: use integrated gradients or SmoothGrad.');
  return tf.tidy(() => {
    let a: tf.Tensor = x;
    for (let i = 0; i <= last; i++) a = layers[i]!.apply(a) as tf.Tensor;
    const rest = (t: tf.Tensor) => {
      let h = t;
      for (let i = last + 1; i < layers.length; i++) h = layers[i]!.apply(h) as tf.Tensor;
      return (h as tf.Tensor2D).slice([0, Math.max(0, classIndex)], [-1, 1]).sum();
    };
    const grads = tf.grad(rest)(a) as tf.Tensor4D;
    const weights = grads.mean([1, 2], true);
    const cam = a.mul(weights).sum(-1, true).relu() as tf.Tensor4D;
    const [, h, w] = x.shape;
    const up = tf.image.resizeBilinear(cam, [h, w]).reshape([h, w]) as tf.Tensor2D;
    const max = up.max();
    return tf.where(max.greater(0), up.div(max.maximum(1e-12)), up) as tf.Tensor2D;
  });
}
