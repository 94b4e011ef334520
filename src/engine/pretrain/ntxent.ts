// SimCLR's contrastive loss (NT-Xent): two views of each of n inputs; each view must pick out its
// partner among the other 2n − 1 views of the batch by cosine similarity over a temperature.
import * as tf from '@tensorflow/tfjs';

/**
 * The mean NT-Xent loss of two batches of projections ([n, d] each; row i of `a` and of `b` are
 * views of the same input). Projections are L2-normalised here. Chance level is ln(2n − 1).
 */
export function ntXent(a: tf.Tensor2D, b: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const n = a.shape[0];
    const z = tf.concat([a, b]);
    const unit = z.div(tf.norm(z, 'euclidean', 1, true).maximum(1e-12));
    // A view is never its own candidate: its similarity to itself is pushed far below the rest.
    const logits = tf
      .matMul(unit, unit, false, true)
      .div(temperature)
      .sub(tf.eye(2 * n).mul(1e9));
    const partner = tf.tensor1d(
      Int32Array.from({ length: 2 * n }, (_, i) => (i < n ? i + n : i - n)),
      'int32',
    );
    const picked = tf
      .logSoftmax(logits)
      .mul(tf.oneHot(partner, 2 * n))
      .sum();
    return picked.neg().div(2 * n) as tf.Scalar;
  });
}
