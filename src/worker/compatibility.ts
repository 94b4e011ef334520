// Whether a saved network fits the current dataset: same inputs (shape and preprocessing), same
// classes when its head is reused, same scaling for an imported model.
import type { Dataset } from '../engine/data/dataset';
import { inputSignature } from '../engine/pretrain/encoders';
import type { Preprocessing } from '../shared/preprocessing';
import type { CheckpointInfo } from '../shared/types/models';
import { classesDiffer, inputsDiffer, scalingDiffers } from './messages';

/** Two class lists name the same classes in the same order. */
export function sameClasses(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** A saved tfjs topology with a convolution in it (it needs the backend's conv kernels). */
export function isConvolutional(modelTopology: unknown): boolean {
  return JSON.stringify(modelTopology).includes('Conv2D');
}

/** Why a checkpoint cannot start a network for `ds`, or null. `whole`: its head is reused too. */
export function checkpointMismatch(info: CheckpointInfo, ds: Dataset, whole: boolean): string | null {
  if (info.inputSignature !== inputSignature(ds)) return inputsDiffer(info, ds);
  if (whole && !sameClasses(info.classNames, ds.classNames)) return classesDiffer(info, ds);
  return null;
}

/**
 * An imported model was trained on inputs scaled its own way: fine-tuning it on data scaled
 * otherwise would feed it numbers it never saw. Null when the scaling agrees.
 */
export function scalingMismatch(
  name: string,
  theirs: Preprocessing,
  ours: Preprocessing,
  dsName: string,
): string | null {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  if (theirs.kind === 'image' && ours.kind === 'image') {
    if (!close(theirs.scale, ours.scale))
      return `The imported model "${name}" expects pixels times ${theirs.scale}, ${dsName} gives times ${ours.scale}.`;
    return null;
  }
  if (theirs.kind !== 'table' || ours.kind !== 'table')
    return `The imported model "${name}" reads ${theirs.kind === 'image' ? 'images' : 'table rows'}; ${dsName} is ${ours.kind === 'image' ? 'images' : 'a table'}.`;
  for (const [i, f] of theirs.features.entries()) {
    const g = ours.features[i]!;
    if (f.type === 'numeric' && g.type === 'numeric' && !(close(f.mean, g.mean) && close(f.std, g.std)))
      return scalingDiffers(name, f.column, f, g, dsName);
  }
  return null;
}
