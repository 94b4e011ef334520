// Parts of a run's settings that the method and augmentation declarations read too (imported from
// here, not training.ts, so that the declarations and the run's type do not import each other).

export type OptimizerKind = 'sgd' | 'momentum' | 'adam';

/** Fine-tuning's optimizer. Pretraining always uses Adam (beta1 0.5 for GANs). */
export interface OptimizerSpec {
  kind: OptimizerKind;
  /** SGD with momentum. */
  momentum: number;
  /** Adam. */
  beta1: number;
  beta2: number;
}

/** Learning rate over the run: constant, step decay or cosine, after an optional linear warm-up. */
export interface ScheduleSpec {
  kind: 'constant' | 'step' | 'cosine';
  /** Epochs of linear warm-up from 0 to the rate (may be fractional; 0: none). */
  warmupEpochs: number;
  /** Step decay: multiply by `stepFactor` every `stepEvery` epochs. */
  stepEvery: number;
  stepFactor: number;
  /** Cosine: the rate falls to this fraction of itself at the last step. */
  minFactor: number;
}

/**
 * Augmentation of training batches (both stages; never of validation or test rows). Images: a
 * random affine map (shift, zoom, rotation, optional horizontal flip), brightness and contrast
 * jitter, Gaussian noise, and a cut-out square. Tables: Gaussian noise on the standardized numeric
 * columns, and feature corruption (a share of each row's features taken from another row).
 */
export interface AugmentSpec {
  preset: 'off' | 'light' | 'strong' | 'custom';
  /** Largest shift, as a fraction of the image side. */
  shift: number;
  /** Largest zoom in or out, as a fraction (0.1: scale 0.9 to 1.1). */
  zoom: number;
  /** Largest rotation, in degrees either way. */
  rotate: number;
  /** Mirror left-right half of the time (off for digits and text, which must not flip). */
  flip: boolean;
  /** Largest brightness change (added, pixels scaled to 0..1) and contrast change (a factor's distance from 1). */
  brightness: number;
  contrast: number;
  /** Standard deviation of the Gaussian noise added to pixels (0..1 scale) or standardized columns. */
  noise: number;
  /** Side of the erased square as a fraction of the image side (0: none); erased in half the images. */
  cutout: number;
  /** Tables: the share of a row's features replaced by the same features of another row. */
  corruption: number;
}
