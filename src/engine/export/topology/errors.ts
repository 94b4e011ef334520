// What the reader throws, and how it names layers and what works: every format puts its own words
// around the message (the import's "model.json is not a model the studio can load", ONNX's "This
// model cannot be exported to ONNX") and none rephrases it.
import { where, type LayerRef } from './layers';
import { FORMAT_HINTS, type Format } from './support';

/** A topology (or its weights) that a format cannot read: the message names the layer, why, and what works. */
export class TopologyError extends Error {
  override name = 'TopologyError';
}

/** Caps on what the reader accepts (the import's, from MODEL_LIMITS); the exports have none. */
export interface ReadLimits {
  layers: number;
  /** Each dimension of the declared input and of a Reshape's target. */
  dim: number;
  units: number;
  filters: number;
  kernel: number;
  /** Strides and dilation rates of convolutions. */
  strides: number;
  /** Pooling windows and their strides. */
  pool: number;
  upsampling: number;
  /** Values in one layer's output for one sample. */
  values: number;
}

export const NO_LIMITS: ReadLimits = {
  layers: Infinity,
  dim: Infinity,
  units: Infinity,
  filters: Infinity,
  kernel: Infinity,
  strides: Infinity,
  pool: Infinity,
  upsampling: Infinity,
  values: Infinity,
};

/** Who is reading, and with what caps. */
export interface ReadContext {
  format: Format;
  limits: ReadLimits;
}

/** Throws the reader's error: `layer 3 "conv2" (Conv2D) <why>. <what works in this format>`. */
export function refuse(
  ctx: ReadContext,
  at: LayerRef | null,
  why: string,
  hint: keyof (typeof FORMAT_HINTS)[Format] = 'other',
): never {
  throw new TopologyError(`${at ? `${where(at)} ${why}` : why}. ${FORMAT_HINTS[ctx.format][hint]}`);
}

/** A value from a user's file in a message: JSON, cut short. */
export const shown = (v: unknown): string => String(JSON.stringify(v)).slice(0, 40);

/** "a whole number from 1 to 64", or "of at least 1" without a cap. */
export const wholeRange = (min: number, max: number): string =>
  max === Infinity ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
