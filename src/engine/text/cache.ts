// One Tokenizer per spec object: building one indexes the whole vocabulary and merge table, and a
// dataset's or model's spec is the same object for its whole life.
import type { TokenizerSpec } from '../../shared/preprocessing';
import { Tokenizer } from './tokenizer.js';

const cache = new WeakMap<TokenizerSpec, Tokenizer>();

export function tokenizerFor(spec: TokenizerSpec): Tokenizer {
  let t = cache.get(spec);
  if (!t) cache.set(spec, (t = new Tokenizer(spec)));
  return t;
}
