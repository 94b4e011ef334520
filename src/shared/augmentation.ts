// Augmentation presets: what "light" and "strong" mean, in plain data (the UI shows them, the
// engine applies them).
import type { AugmentSpec } from './types/trainingParts';

export const AUGMENT_PRESETS: Record<Exclude<AugmentSpec['preset'], 'custom'>, AugmentSpec> = {
  off: {
    preset: 'off',
    shift: 0,
    zoom: 0,
    rotate: 0,
    flip: false,
    brightness: 0,
    contrast: 0,
    noise: 0,
    cutout: 0,
    corruption: 0,
  },
  light: {
    preset: 'light',
    shift: 0.1,
    zoom: 0.1,
    rotate: 10,
    flip: false,
    brightness: 0.1,
    contrast: 0.1,
    noise: 0.02,
    cutout: 0,
    corruption: 0.1,
  },
  strong: {
    preset: 'strong',
    shift: 0.15,
    zoom: 0.15,
    rotate: 15,
    flip: false,
    brightness: 0.2,
    contrast: 0.3,
    noise: 0.1,
    cutout: 0.3,
    corruption: 0.3,
  },
};

/** Whether a spec changes anything at all. */
export function augments(s: AugmentSpec): boolean {
  return (
    s.shift > 0 ||
    s.zoom > 0 ||
    s.rotate > 0 ||
    s.flip ||
    s.brightness > 0 ||
    s.contrast > 0 ||
    s.noise > 0 ||
    s.cutout > 0 ||
    s.corruption > 0
  );
}
