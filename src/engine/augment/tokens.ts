// Text augmentation on token rows (for semi-supervised fine-tuning's strong view, as in UDA's and
// FixMatch's text variants): some tokens deleted, some replaced by [MASK]. [CLS] stays first.
import { mulberry32 } from '../data/random';
import { CLS_ID, MASK_ID, PAD_ID } from '../text/tokenizer.js';

export interface TokenAugment {
  /** Share of the real tokens replaced by [MASK]. */
  mask: number;
  /** Share of the real tokens deleted (the rest move up; padding fills the end). */
  drop: number;
}

/**
 * A changed copy of `x` (`rows` rows of `length` token ids, padding 0 after each text). A text
 * keeps at least one real token. The same seed gives the same copy.
 */
export function augmentTokens(
  x: Float32Array,
  rows: number,
  length: number,
  a: TokenAugment,
  seed: number,
): Float32Array {
  const out = new Float32Array(x.length);
  const rand = mulberry32(seed * 7919 + 41);
  for (let r = 0; r < rows; r++) {
    const at = r * length;
    let w = at;
    let j = at;
    if (x[j] === CLS_ID) out[w++] = x[j++]!;
    const firstReal = j;
    let end = at + length;
    while (end > firstReal && x[end - 1] === PAD_ID) end--;
    for (; j < end; j++) {
      const id = x[j]!;
      // Delete, unless nothing would be left of the text.
      const last = j === end - 1 && w === firstReal;
      if (!last && rand() < a.drop) continue;
      out[w++] = rand() < a.mask ? MASK_ID : id;
    }
    // (out is zero-filled: the rest of the row is padding.)
  }
  return out;
}
