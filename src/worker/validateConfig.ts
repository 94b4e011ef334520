// The settings of a run checked against the dataset before anything starts: each refusal names
// the field and a value that works.
import { validateAugment } from '../engine/augment/batch';
import type { Dataset } from '../engine/data/dataset';
import { PRETRAIN_METHODS } from '../engine/pretrain/objectives';
import { validateEncoder } from '../engine/pretrain/models';
import { validateTransformer } from '../engine/text/transformer';
import { validateFreeze } from '../engine/train/freeze';
import { budgetedRows, unlabelledPool } from '../engine/train/loop';
import { FINETUNE_METHODS } from '../engine/train/methods';
import { validateOptimizer } from '../engine/train/optimizers';
import { isMethod } from '../shared/methods';
import { isObjective } from '../shared/objectives';
import { checkFields } from '../shared/fields';
import type { TrainConfig } from '../shared/types/training';
import { earlyStoppingWithoutValidation, nothingToFinetune } from './messages';

export function validateConfig(c: TrainConfig, ds: Dataset): void {
  const bad = (field: string, why: string): never => {
    throw new Error(`${field}: ${why}`);
  };
  if (!Number.isInteger(c.epochs) || c.epochs < 1 || c.epochs > 1000)
    bad('Epochs', 'use a whole number from 1 to 1000.');
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1 || c.batchSize > 4096)
    bad('Batch size', 'use a whole number from 1 to 4096.');
  if (!(c.learningRate > 0) || c.learningRate > 10_000)
    bad('Learning rate', 'use a positive number up to 10000, such as 0.001.');
  if (!Number.isInteger(c.checkpointEvery) || c.checkpointEvery < 1)
    bad('Checkpoint every', 'use a whole number of epochs, 1 or more.');
  if (!Number.isInteger(c.keepLast) || c.keepLast < 1) bad('Keep latest', 'use a whole number, 1 or more.');
  validateAugment(c.augmentation);
  if (c.stage === 'finetune' && c.model === 'cnn' && ds.kind === 'image')
    validateConvBlocks(c.convBlocks, ds.inputShape);
  if (c.model === 'cnn' && ds.kind !== 'image')
    bad('Model', 'the small CNN needs an image dataset; use the MLP for tables.');
  const text = ds.kind === 'text';
  if (ds.preprocessing.kind === 'text')
    validateTransformer({ ...c.text, vocabSize: ds.preprocessing.tokenizer.vocab.length, maxLen: ds.features });
  if (c.stage === 'finetune' && c.initFrom === 'scratch' && text !== (c.model === 'transformer'))
    bad('Model', text ? 'text is read by the Transformer; choose it.' : 'the Transformer reads text; choose the MLP.');
  if (c.stage === 'pretrain' && !isObjective(c.objective.id))
    bad('Objective', `"${String(c.objective.id)}" is not one the studio knows; choose one from the list.`);
  const method = c.stage === 'pretrain' ? PRETRAIN_METHODS[c.objective.id] : null;
  if (method && text !== method.info.readsText)
    bad(
      'Objective',
      text
        ? 'text is pretrained by masked language modeling; choose "masked language model".'
        : 'masked language modeling needs a text dataset (a table with a text column).',
    );
  if (method) {
    if (!text) {
      validateEncoder(c.encoder);
      if (c.encoder.kind === 'conv' && ds.kind !== 'image')
        bad('Encoder', 'a convolutional encoder needs images; use a dense encoder for tables.');
    }
    checkFields(method.info.fields, c.objective, bad);
    method.validate?.(c, bad);
    return;
  }
  if (ds.task === 'none' || !ds.y) bad('Labels', nothingToFinetune(ds.name));
  if (!isMethod(c.method.id))
    bad('Method', `"${String(c.method.id)}" is not one the studio knows; choose one from the list.`);
  checkFields(FINETUNE_METHODS[c.method.id].info.fields, c.method, bad);
  const refused = FINETUNE_METHODS[c.method.id].validate?.(ds, unlabelledPool(ds, budgetedRows(ds, c, c.seed)));
  if (refused) bad('Method', refused);
  if (c.labelBudget === 'perClass' && (!Number.isInteger(c.labelsPerClass) || c.labelsPerClass < 1))
    bad('Labels per class', 'use a whole number, 1 or more (or choose "all labels").');
  if (c.labelBudget === 'fraction' && !(c.labelFraction > 0 && c.labelFraction <= 1))
    bad('Fraction of labels', 'use a number above 0 and at most 1, such as 0.1.');
  validateOptimizer(c.optimizer);
  validateFreeze(c.freeze, c.epochs);
  const s = c.schedule;
  if (!(s.warmupEpochs >= 0) || s.warmupEpochs > c.epochs) bad('Warm-up', `use 0 to ${c.epochs} epochs.`);
  if (
    s.kind === 'step' &&
    (!Number.isInteger(s.stepEvery) || s.stepEvery < 1 || !(s.stepFactor > 0 && s.stepFactor <= 1))
  )
    bad('Step decay', 'decay every whole number of epochs (1 or more) by a factor above 0 and at most 1, such as 0.5.');
  if (s.kind === 'cosine' && !(s.minFactor >= 0 && s.minFactor < 1))
    bad('Cosine', 'the final fraction of the rate is from 0 to below 1.');
  if (c.head.hidden.some((u) => !Number.isInteger(u) || u < 1 || u > 4096) || c.head.hidden.length > 4)
    bad('Head layers', 'give up to 4 whole numbers from 1 to 4096, such as "64".');
  if (!(c.head.dropout >= 0 && c.head.dropout < 1)) bad('Head dropout', 'use a rate from 0 to below 1, such as 0.5.');
  if (c.earlyStopping.enabled && (!Number.isInteger(c.earlyStopping.patience) || c.earlyStopping.patience < 1))
    bad('Early stopping', 'patience is a whole number of epochs, 1 or more.');
  if (c.earlyStopping.enabled && !ds.split.val.length) bad('Early stopping', earlyStoppingWithoutValidation(ds.name));
  if (c.labelBudget === 'perClass' && ds.task !== 'classification')
    bad('Label budget', '"N per class" needs classes; for regression use all labels or a fraction.');
  if (ds.split.train.length === 0) bad('Data', 'the training split is empty; lower the validation and test shares.');
}

/** 1 to 5 blocks of 1 to 512 filters, no more halvings than the picture's side allows. */
function validateConvBlocks(blocks: number[], [height, width]: number[]): void {
  const side = Math.min(height!, width!);
  const most = Math.min(5, Math.floor(Math.log2(side)));
  if (!blocks.length || blocks.length > most || blocks.some((f) => !Number.isInteger(f) || f < 1 || f > 512))
    throw new Error(
      `Conv blocks: give 1 to ${most} whole numbers of filters from 1 to 512, such as "16, 32, 64" ` +
        `(each block halves the ${side}-pixel side).`,
    );
}
