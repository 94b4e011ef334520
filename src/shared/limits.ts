import { formatBytes } from './format';

/** Size caps for uploads: enforced in the worker, stated in the UI. One place for both. */
export const LIMITS = {
  tableBytes: 512 * 1024 * 1024,
  zipBytes: 256 * 1024 * 1024,
  /** Uncompressed bytes a zip may expand to in total (zip bombs stop here). */
  zipExpandedBytes: 1024 * 1024 * 1024,
  imageFileBytes: 32 * 1024 * 1024,
  images: 50_000,
} as const;

/** The tokenizer's settings (TableOptions.text): the ranges the worker accepts and the UI offers. */
export const TEXT_LIMITS = { vocabSize: [100, 32000], maxLength: [8, 512] } as const;

/**
 * The length fitted to the data: the tokens 99% of the training texts need, rounded up to a multiple
 * of 8, at most 128 (attention costs the square of the length; longer texts are set by hand).
 */
export const AUTO_TEXT_LENGTH = { quantile: 0.99, multiple: 8, max: 128 } as const;

/** The Transformer's settings (TrainConfig.text), likewise. */
export const TRANSFORMER_LIMITS = {
  width: [8, 512],
  heads: [1, 16],
  layers: [1, 8],
  mlpWidth: [8, 4096],
  dropout: [0, 0.9],
} as const;

/** A limit as the texts state it (and as the messages that enforce it cite it): "512 MB", "1.0 GB". */
const size = (bytes: number) => formatBytes(bytes, { precision: 'megabytes' });

export const LIMITS_TEXT =
  `Tables up to ${size(LIMITS.tableBytes)} · zips up to ${size(LIMITS.zipBytes)} (${size(LIMITS.zipExpandedBytes)} unpacked) · ` +
  `images up to ${size(LIMITS.imageFileBytes)} each, ${LIMITS.images.toLocaleString('en-US')} in all`;

/** Size caps for importing a model (zip, or model.json with its weights). Enforced in the worker. */
export const MODEL_LIMITS = {
  /** The zip (or the files chosen together) as uploaded. */
  uploadBytes: 64 * 1024 * 1024,
  /** What the zip's entries may expand to, as their headers declare (nothing larger is inflated). */
  expandedBytes: 128 * 1024 * 1024,
  /** model.json and preprocessing.json, each. */
  jsonBytes: 4 * 1024 * 1024,
  /** Weights (float32): 16 million parameters, 64 MB. */
  params: 16 * 1024 * 1024,
  layers: 64,
  /** Values in one layer's output for one sample (e.g. 256×256×64). */
  activation: 4 * 1024 * 1024,
  zipEntries: 64,
} as const;

export const MODEL_LIMITS_TEXT =
  `A .zip up to ${size(MODEL_LIMITS.uploadBytes)} (${size(MODEL_LIMITS.expandedBytes)} unpacked), or model.json with its .bin weights · ` +
  `up to ${(MODEL_LIMITS.params / 1024 / 1024).toFixed(0)} million weights and ${MODEL_LIMITS.layers} layers · ` +
  'Dense, Dropout, Conv2D, MaxPooling2D, GlobalMaxPooling2D, Conv2DTranspose, UpSampling2D, Flatten, Reshape, Activation layers';
