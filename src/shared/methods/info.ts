// What the page, the settings and the worker know of a fine-tuning method (no tfjs here). The
// engine's side (its step) is its module in engine/train/methods, which carries this declaration.
import type { Fields } from '../fields';

export interface MethodInfo<Id extends string = string, S = object> {
  id: Id;
  /** The method list's label. */
  label: string;
  /** Its own settings: fields drawn under the list, resolved and checked from this declaration. */
  fields: Fields<S>;
  /** A line under its fields: what it trains on. */
  hint?(c: { batchSize: number }): string;
}
