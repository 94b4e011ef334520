// Types of tokenizer.js, a plain ES module (it ships verbatim in text model downloads), written by hand.
import type { TokenizerSpec } from '../../shared/preprocessing';

export type { TokenizerSpec };

/** Id of [PAD]: fills a row after its tokens; decode skips it. */
export declare const PAD_ID: 0;
/** Id of [UNK]: any symbol the vocabulary lacks. */
export declare const UNK_ID: 1;
/** Id of [CLS]: first token of every row when encodeBatch is asked for it; decode skips it. */
export declare const CLS_ID: 2;
/** Id of [MASK]: stands in for hidden tokens in masked-language-model pretraining. */
export declare const MASK_ID: 3;
/** Token strings of ids 0..3 (frozen). */
export declare const SPECIAL_TOKENS: readonly ['[PAD]', '[UNK]', '[CLS]', '[MASK]'];
/** "▁": prefixes a word that starts the text or follows a space. */
export declare const WORD_MARK: '\u2581';

/** NFKC, lower-cased if asked, WORD_MARK and every run of whitespace one space, trimmed. */
export declare function normalize(text: string, lowercase: boolean): string;

/**
 * Words of normalized text: runs of letters/marks, runs of digits, each other character alone, cut
 * at 50 characters; WORD_MARK before those that start the text or follow a space.
 */
export declare function preTokenize(normalized: string): string[];

export interface TrainTokenizerOptions {
  /** Vocabulary size to reach, the 4 special tokens included (5 to 2^22). */
  vocabSize: number;
  /** Lower-case text before everything else (default true). */
  lowercase?: boolean;
  /** Stop merging when the most frequent pair occurs fewer times than this (default 2). */
  minFrequency?: number;
}

/** Learns a BPE vocabulary; deterministic (the same texts, in any order, give the same spec). */
export declare function trainTokenizer(texts: readonly string[], options: TrainTokenizerOptions): TokenizerSpec;

export declare class Tokenizer {
  /** Throws on a spec that is not a valid BPE spec (wrong type or version, missing special tokens, bad merges). */
  constructor(spec: TokenizerSpec);
  readonly spec: TokenizerSpec;
  /** spec.vocab.length */
  readonly vocabSize: number;
  /** Token strings of a text ("[UNK]" for unknown symbols). */
  tokenize(text: string): string[];
  /** Token ids of a text (no [CLS], no padding). */
  encode(text: string): number[];
  /** Text of ids: [PAD] and [CLS] skipped, [UNK] and [MASK] shown as words, WORD_MARK back to spaces. */
  decode(ids: ArrayLike<number>): string;
  /** Token string of an id ("[UNK]" outside the vocabulary). */
  idToToken(id: number): string;
  /** Id of a token string (UNK_ID when absent). */
  tokenToId(token: string): number;
}

export interface EncodedBatch {
  /** texts.length x maxLength, row-major: [CLS] (if asked), the tokens cut at maxLength, then [PAD] (0). */
  ids: Int32Array<ArrayBuffer>;
  /** Tokens written per row, [CLS] included. */
  lengths: Int32Array<ArrayBuffer>;
  /** How many texts had more tokens than fit. */
  truncated: number;
}

export declare function encodeBatch(
  tokenizer: Tokenizer,
  texts: readonly string[],
  maxLength: number,
  options?: { cls?: boolean },
): EncodedBatch;
