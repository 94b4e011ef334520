// How raw inputs become model inputs, as plain data. Saved with every dataset (and, later, with
// checkpoints and exported models) so that a model can always be fed the way it was trained.

export type FeatureSpec =
  | { column: string; type: 'numeric'; mean: number; std: number; impute: number }
  | { column: string; type: 'onehot'; categories: string[]; other: boolean; impute: string };

export type LabelSpec =
  | { column: string; type: 'classes'; classNames: string[] }
  | { column: string; type: 'numeric'; mean: number; std: number };

/**
 * A learned subword tokenizer (engine/text/tokenizer.js): BPE over NFKC-normalized (optionally
 * lower-cased) text, "▁" marking a word that follows a space. Ids 0-3 are [PAD], [UNK], [CLS], [MASK].
 */
export interface TokenizerSpec {
  type: 'bpe';
  version: 1;
  lowercase: boolean;
  normalization: 'NFKC';
  vocab: string[];
  merges: [string, string][];
}

export type Preprocessing =
  | {
      kind: 'table';
      features: FeatureSpec[];
      label: LabelSpec | null;
      missing: 'impute' | 'drop';
      missingTokens: string[];
    }
  | { kind: 'image'; height: number; width: number; channels: 1 | 3; scale: number; classNames: string[] }
  | {
      kind: 'text';
      column: string;
      tokenizer: TokenizerSpec;
      /** Token ids per text: [CLS] first, then the tokens, cut at this length, padded with [PAD] (0). */
      maxLength: number;
      label: LabelSpec | null;
    };

/** Width of the model input a feature spec produces. */
export function featureWidth(f: FeatureSpec): number {
  return f.type === 'numeric' ? 1 : f.categories.length + (f.other ? 1 : 0);
}

/** Names of the model's input columns, in order (one-hot columns as "column=value"). */
export function inputNames(features: FeatureSpec[]): string[] {
  return features.flatMap((f) =>
    f.type === 'numeric'
      ? [f.column]
      : [...f.categories.map((c) => `${f.column}=${c}`), ...(f.other ? [`${f.column}=(other)`] : [])],
  );
}

/**
 * One row of model inputs back in the table's own terms: numbers with their standardization
 * undone (6 significant digits), a one-hot feature as its category ("(other)", or "" when none).
 */
export function decodeRow(features: FeatureSpec[], x: ArrayLike<number>): string[] {
  let offset = 0;
  return features.map((spec) => {
    if (spec.type === 'numeric') return String(Number((x[offset++]! * spec.std + spec.mean).toPrecision(6)));
    const width = featureWidth(spec);
    let hot = -1;
    for (let k = 0; k < width; k++) if (x[offset + k]! > 0.5) hot = k;
    offset += width;
    return hot < 0 ? '' : hot < spec.categories.length ? spec.categories[hot]! : '(other)';
  });
}
