// The longer sentences the worker tells the user, one builder each: what happened, what was kept,
// and what to do next.
import type { Dataset } from '../engine/data/dataset';
import type { CheckpointInfo } from '../shared/types/models';
import type { Stage } from '../shared/types/training';

const listOrNumber = (names: readonly string[]) => names.join(', ') || 'a number';

export const inputsDiffer = (info: CheckpointInfo, ds: Dataset) =>
  `The checkpoint "${info.name}" was trained on ${info.datasetName} (input ${info.inputShape.join('×')}); ` +
  `${ds.name} has other inputs (${ds.inputShape.join('×')} or other columns). ` +
  'Start from scratch, or pretrain on this dataset first.';

export const classesDiffer = (info: CheckpointInfo, ds: Dataset) =>
  `The checkpoint "${info.name}" predicts other classes (${listOrNumber(info.classNames)}) ` +
  `than ${ds.name} (${listOrNumber(ds.classNames)}). Start from scratch instead.`;

export const scalingDiffers = (
  name: string,
  column: string,
  theirs: { mean: number; std: number },
  ours: { mean: number; std: number },
  dsName: string,
) =>
  `The imported model "${name}" standardizes "${column}" with mean ${theirs.mean.toPrecision(6)} and std ` +
  `${theirs.std.toPrecision(6)}; ${dsName} uses mean ${ours.mean.toPrecision(6)} and std ${ours.std.toPrecision(6)}. ` +
  'Its preprocessing does not match this dataset, so it cannot be trained on it: ' +
  'load the data it was trained on (same rows and split), or start from scratch.';

export const endOfRun = (info: CheckpointInfo) =>
  `"${info.name}" is the end of its run (epoch ${info.epoch} of ${info.totalEpochs}); there is nothing left to ` +
  'resume. Use it as "Start from" to train further.';

/** Where a faulted run can go on from. */
export const keptCheckpoint = (epoch: number | null) =>
  epoch !== null
    ? `the checkpoint of epoch ${epoch} is kept`
    : 'no checkpoint of this run was written yet, so it can start again from its beginning';

export const divergedFault = (why: string, kept: string, learningRate: number) =>
  `${why} Training is paused; ${kept}. Likely cause: the learning rate (${learningRate}) is too high, ` +
  'or the inputs are not scaled (raw values such as pixels 0–255).';

export const stoppedFault = (why: string, kept: string) =>
  `${why} The run stopped; ${kept}. Resume on this or another backend (Training → Backend).`;

export const divergedAt = (ev: { step: number; series: string; loss: number; bound?: number }) =>
  ev.bound !== undefined
    ? `Training diverged at step ${ev.step}: the ${ev.series} grew to ${ev.loss.toFixed(2)}, past the bound of ` +
      `${ev.bound.toFixed(2)} (3 × the loss of random guessing, or of the first batch if higher).`
    : `Training diverged at step ${ev.step}: the ${ev.series} became ${ev.loss}.`;

export const deviceLost = (detail: string) => `The GPU device was lost (${detail}).`;

export const outOfMemory = (who: string, detail: string, batchSize: number) =>
  `${who} ran out of memory (${detail}) with a batch of ${batchSize}. Lower the batch size or use a smaller model.`;

export const earlyStopped = (epoch: number, patience: number, bestEpoch: number) =>
  `Early stopping after epoch ${epoch}: the validation loss has not improved for ${patience} epochs ` +
  `(best: epoch ${bestEpoch}).`;

export const bestRestored = (epoch: number, valLoss: number) =>
  `The weights of epoch ${epoch} (the lowest validation loss, ${valLoss.toFixed(4)}) were restored; ` +
  'the test metrics are theirs.';

export const noTestRows = (dsName: string) =>
  `${dsName} has no test rows, so there are no test metrics. Raise the test share or add rows.`;

export const storageFull = (epoch: number, needed: string, free: string | null) =>
  `Browser storage is full: the checkpoint of epoch ${epoch} needs about ${needed}` +
  `${free !== null ? ` and ${free} is free` : ''}. Training goes on without it; delete old checkpoints to make room.`;

export const modelOfOtherData = (trainedOn: string, dsName: string) =>
  `The last fine-tuned model was trained on ${trainedOn} (other inputs or classes than ${dsName} now); ` +
  `evaluate a checkpoint that fits ${dsName} instead.`;

export const encoderHasNoHead = (name: string) =>
  `"${name}" is a pretrained encoder without a task head; fine-tune from it first, then evaluate.`;

export const nothingToFinetune = (dsName: string) =>
  `${dsName} has no labels, so there is nothing to fine-tune on. Pick a label column (tables) or class folders ` +
  '(images), or pretrain on it.';

export const earlyStoppingWithoutValidation = (dsName: string) =>
  `it watches the validation loss, and ${dsName} has no validation rows; raise the validation share or turn ` +
  'early stopping off.';

export const noPreprocessingFile = (width: number, ds: { name: string; width: number } | null) =>
  `There is no preprocessing.json, and the model takes ${width} inputs` +
  `${ds ? `, while ${ds.name} gives ${ds.width}` : ''}. ` +
  "Import the studio's .zip (it holds preprocessing.json), or load the data the model was trained on first.";

export const nothingToPredict = (name: string, stage: Stage) =>
  `"${name}" is ${stage === 'pretrain' ? 'a pretrained encoder' : 'a model without a label'}: ` +
  'it has no prediction to show. Fine-tune from it, then try the fine-tuned model.';

export const rowLength = (values: number, columns: readonly string[]) =>
  `The row has ${values} value${values === 1 ? '' : 's'}; the model needs ${columns.length}, ` +
  `in this order: ${columns.join(', ')}. Or paste a header line above the row.`;
