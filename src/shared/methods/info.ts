// What the page, the settings and the worker know of a fine-tuning method (no tfjs here). The
// engine's side (its step) is its module in engine/train/methods, which carries this declaration.
import type { Declaration } from '../declared';

export interface MethodInfo<Id extends string = string, S = object> extends Declaration<Id, S> {
  /** A line under its fields: what it trains on. */
  hint?(c: { batchSize: number }): string;
}
