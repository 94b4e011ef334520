// Attributions: why a model predicted what it did (engine/explain, worker/explain.ts, the page's
// explain views). Computed in the worker; nothing leaves the page.
import type { InferenceInput } from './models';

/**
 * Integrated gradients (pictures, table rows) and SmoothGrad (pictures) from the input's gradient;
 * Grad-CAM from the last convolution's (convolutional networks); occlusion for texts: each token
 * masked in turn (token ids have no gradient, and the MLM-pretrained encoder knows [MASK]).
 */
export type AttributionMethod = 'integratedGradients' | 'smoothGrad' | 'gradCam' | 'occlusion';

export const METHOD_LABELS: Record<AttributionMethod, string> = {
  integratedGradients: 'Integrated gradients',
  smoothGrad: 'SmoothGrad',
  gradCam: 'Grad-CAM',
  occlusion: 'Occlusion (each token masked)',
};

/** What to explain: a test row of the current dataset (a wrong example), or an inference input. */
export type ExplainInput = InferenceInput | { kind: 'testRow'; row: number };

export interface ExplainRequest {
  /** "current" or a checkpoint id, as for predictions. */
  source: string;
  input: ExplainInput;
  method: AttributionMethod;
  /** The class explained; the predicted one when absent (regression: the value). */
  classIndex?: number;
}

/**
 * Adebayo et al. (2018): attributions that barely change when the network's weights are random
 * say more about the input than about what the model learned. `correlation` is the rank
 * correlation of the attribution magnitudes with those of the same network untrained; the check
 * fails from `threshold` on: 0.5, or higher where so few values (a table's columns) reach a
 * correlation by chance (see sanityThreshold).
 */
export interface SanityCheck {
  correlation: number;
  threshold: number;
  passed: boolean;
}

/** Two attributions are "nearly the same" from this rank correlation on. */
export const SANITY_MAX_CORRELATION = 0.5;

/**
 * The correlation from which `n` values agree with the untrained network's: 0.5, or the one-sided
 * 5% point of Spearman's correlation between unrelated lists (about normal with variance 1/(n-1))
 * where that is higher: 0.82 for 5 columns, 0.55 for 10, 0.5 from 12 on.
 */
export function sanityThreshold(n: number): number {
  return n < 3 ? 1 : Math.max(SANITY_MAX_CORRELATION, Math.min(1, 1.645 / Math.sqrt(n - 1)));
}

export interface Explanation {
  source: string;
  method: AttributionMethod;
  /** The methods this model can be explained with (the page offers them). */
  methods: AttributionMethod[];
  /** The class explained (-1: regression, the predicted value). */
  classIndex: number;
  predictedIndex: number;
  classNames: string[];
  probabilities: number[];
  /** Pictures: the input and one weight per pixel, 0-1 (magnitude, channels summed). */
  image?: { height: number; width: number; channels: number; pixels: Uint8Array; heat: Float32Array };
  /** Texts: each token the model read ([CLS] and padding left out) and its signed weight. */
  tokens?: { token: string; weight: number }[];
  /** Table rows: each input column, its value, and its signed weight (one-hot columns summed). */
  columns?: { column: string; value: string; weight: number }[];
  sanity: SanityCheck;
  /** Milliseconds the explanation took in the worker (the sanity check's twin included). */
  ms: number;
}

/** Permutation importance of one input column on the test split. */
export interface ColumnImportance {
  column: string;
  /** Mean drop of the metric when the column is shuffled (accuracy points, or MSE rise), and its spread. */
  mean: number;
  std: number;
}

export interface ImportanceResult {
  source: string;
  metric: 'accuracy' | 'mse';
  /** The metric on the test split before any shuffle. */
  baseline: number;
  repeats: number;
  rows: number;
  /** Highest importance first. */
  columns: ColumnImportance[];
  sanity: SanityCheck;
  ms: number;
}

/**
 * The methods offered for a model, its default first: pictures SmoothGrad, integrated gradients
 * and (convolutional networks) Grad-CAM; table rows integrated gradients; texts occlusion.
 * SmoothGrad leads for pictures: integrated gradients from a black baseline are zero wherever the
 * picture is black, so on digits they follow the strokes whatever the weights (the randomization
 * check: rank correlation 0.99 with the untrained network, against 0.26 for SmoothGrad).
 */
export function methodsFor(kind: 'image' | 'table' | 'text', convolutional: boolean): AttributionMethod[] {
  if (kind === 'text') return ['occlusion'];
  if (kind === 'table') return ['integratedGradients'];
  return convolutional ? ['smoothGrad', 'integratedGradients', 'gradCam'] : ['smoothGrad', 'integratedGradients'];
}

/** The method an explanation starts with. */
export const defaultMethod = (kind: 'image' | 'table' | 'text'): AttributionMethod => methodsFor(kind, false)[0]!;
