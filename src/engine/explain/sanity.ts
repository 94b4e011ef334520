// The randomization check of Adebayo et al. (2018), "Sanity checks for saliency maps": the same
// attribution of the same network with untrained weights. If the two agree, the map shows the
// input (edges, bright pixels), not what the model learned.
import * as tf from '@tensorflow/tfjs';
import { sanityThreshold, type SanityCheck } from '../../shared/types/explain';

/**
 * The network rebuilt from its own topology: every layer's initializer draws again (the studio's
 * seeded initializers give the weights its training started from). The caller disposes it.
 */
export async function untrainedTwin(model: tf.LayersModel): Promise<tf.LayersModel> {
  const modelTopology = model.toJSON(null, false) as unknown as tf.serialization.ConfigDict;
  return tf.models.modelFromJSON({ modelTopology });
}

/** Ranks 1..n (ties share their mean rank). */
export function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const out = new Float64Array(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    for (let k = i; k <= j; k++) out[order[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation of two equally long lists (0 when either is constant). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = ra.length;
  const mean = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = ra[i]! - mean;
    const db = rb[i]! - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Compares the magnitudes of the trained model's attributions with the untrained twin's. */
export function sanityOf(trained: ArrayLike<number>, untrained: ArrayLike<number>): SanityCheck {
  const abs = (v: ArrayLike<number>) => Float64Array.from(v, (x) => Math.abs(x));
  const correlation = spearman(abs(trained), abs(untrained));
  const threshold = sanityThreshold(trained.length);
  return { correlation, threshold, passed: correlation < threshold };
}
