// A dataset's input signature: the shape and preprocessing of what a model reads. Two datasets with
// the same signature fit the same model (a checkpoint records the signature it was trained on).
import type { Preprocessing } from '../../shared/preprocessing';

/** The signature from preprocessing alone (a dataset's, or an imported model's). */
export function signatureOf(p: Preprocessing): string {
  if (p.kind === 'image') return JSON.stringify({ image: [p.height, p.width, p.channels] });
  // Text: the same tokens for the same text (one vocabulary, one length), whatever the column is called.
  if (p.kind === 'text') return JSON.stringify({ text: [p.maxLength, fnv1a(JSON.stringify(p.tokenizer))] });
  return JSON.stringify({
    table: p.features.map((f) => (f.type === 'numeric' ? f.column : [f.column, f.categories, f.other])),
  });
}

/** A 32-bit FNV-1a hash, as hex (a tokenizer's fingerprint: its spec runs to hundreds of KB). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
