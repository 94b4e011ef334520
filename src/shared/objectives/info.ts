// What the page, the settings and the worker know of a pretraining objective (no tfjs here: the
// UI reads it). The engine's side of an objective (its networks and step) is its module in
// engine/pretrain/objectives, which carries this declaration.
// (No imports from types/training: the run's settings are built from these, not the other way.)
import type { Declaration } from '../declared';

/** Shared settings an objective would rather start from than the studio's usual ones. */
export interface UsualSettings {
  batchSize?: number;
  /** Adam's rate (pretraining always uses Adam). */
  learningRate?: number;
  /** Augmentation for pictures and tables (text never augments). */
  augmentation?: 'light' | 'strong';
  /** Widths of the encoder of each kind when the user has not chosen them. */
  encoder?: { dense?: number[]; conv?: number[] };
}

export interface ObjectiveInfo<Id extends string = string, S = object> extends Declaration<Id, S> {
  /** Text pretrains by this objective (and only text); other data by the others. */
  readsText: boolean;
  /** Optimizer steps it takes by default (its epochs follow from the rows and the batch). */
  steps: number;
  usual?: UsualSettings;
  /** The learning-rate field's hint when it is chosen (default: Adam's usual start). */
  rateHint?: string;
  /** A line under its fields: how it trains, given the batch and the encoder. */
  hint?(c: { batchSize: number; encoder: { kind: string } }): string;
  /**
   * The model panel's lines: `encoder(pooled)` gives the encoder's (pooled: ending in global
   * pooling), to which it adds the heads and networks it trains beside it.
   */
  describe(encoder: (pooled: boolean) => string[], sampleShape: number[]): string[];
}
