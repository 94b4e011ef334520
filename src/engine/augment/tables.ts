// Table augmentation on a batch of preprocessed rows: Gaussian noise on the standardized numeric
// columns, and feature corruption as in SCARF (a share of each row's features replaced by the
// same features of another row of the batch; a one-hot feature moves as a whole).
import { featureWidth, type FeatureSpec } from '../../shared/preprocessing';
import type { AugmentSpec } from '../../shared/types/training';
import { mulberry32 } from '../data/random';

/** Where each feature sits in a row of model inputs. */
export interface FeatureSlot {
  start: number;
  width: number;
  numeric: boolean;
}

export function featureSlots(features: FeatureSpec[]): FeatureSlot[] {
  let start = 0;
  return features.map((f) => {
    const slot = { start, width: featureWidth(f), numeric: f.type === 'numeric' };
    start += slot.width;
    return slot;
  });
}

/** A standard normal draw (Box-Muller). */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * A changed copy of `x` (`rows` rows of model inputs laid out as `slots`). The same seed gives the
 * same copy. The input is left as it is.
 */
export function augmentRows(
  x: Float32Array,
  rows: number,
  slots: FeatureSlot[],
  spec: AugmentSpec,
  seed: number,
): Float32Array {
  const out = Float32Array.from(x);
  const width = rows ? x.length / rows : 0;
  const rand = mulberry32(seed * 7919 + 29);
  for (let r = 0; r < rows; r++) {
    for (const s of slots) {
      const at = r * width + s.start;
      if (spec.corruption > 0 && rows > 1 && rand() < spec.corruption) {
        // Another row of the batch, never this one.
        const other = (r + 1 + Math.floor(rand() * (rows - 1))) % rows;
        out.set(x.subarray(other * width + s.start, other * width + s.start + s.width), at);
      }
      if (spec.noise > 0 && s.numeric) out[at] = out[at]! + spec.noise * gaussian(rand);
    }
  }
  return out;
}
