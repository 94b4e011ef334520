// Masked language modeling (BERT's): the Transformer reads texts with some tokens masked and
// learns to fill them in; the saved encoder is the Transformer that reads whole texts.
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG } from '../../../shared/defaults';
import { OBJECTIVES } from '../../../shared/objectives';
import type { TextModelSpec } from '../../../shared/types/training';
import { stepSeed } from '../../augment/batch';
import { gatherBatch, trimPadding, type Dataset } from '../../data/dataset';
import { mulberry32 } from '../../data/random';
import { checkFits } from '../../memory';
import { TRAINING_KERNELS } from '../../models/build';
import { tokenizerFor } from '../../text/cache';
import { MLM_RATE, buildMlmHead, fillMasks, maskTokens, mlmSteps, type MaskedBatch } from '../../text/mlm';
import { buildTextEncoder, type TransformerSpec } from '../../text/transformer';
import { measureMlm } from '../../train/measure';
import type { ObjectiveContext, ObjectiveSession, PretrainMethod } from './method';

/** The Transformer MLM pretrains: the run's settings and the dataset's vocabulary and length. */
export function mlmSpec(ds: Dataset, text: TextModelSpec | undefined): TransformerSpec {
  if (ds.preprocessing.kind !== 'text')
    throw new Error('Masked language modeling needs a text dataset (a table with a text column).');
  return { ...(text ?? DEFAULT_CONFIG.text), vocabSize: ds.preprocessing.tokenizer.vocab.length, maxLen: ds.features };
}

function session(ctx: ObjectiveContext, trunk: tf.LayersModel): ObjectiveSession {
  const { ds, cfg, encoder, shown, rate } = ctx;
  const length = ds.features;
  const vocab = mlmSpec(ds, cfg.text).vocabSize;
  const tokenizer = tokenizerFor((ds.preprocessing as Extract<Dataset['preprocessing'], { kind: 'text' }>).tokenizer);
  const head = buildMlmHead(encoder.outputs[0]!.shape[1]!, vocab, cfg.seed);
  const opt = tf.train.adam(cfg.learningRate);
  const steps = mlmSteps(trunk, head, opt);
  // Held-out perplexity: validation rows (test rows only without a validation split), masked
  // once, the same every epoch.
  const heldRows = ds.split.val.length ? ds.split.val : shown;
  const held = heldRows.subarray(0, Math.min(heldRows.length, 512));
  const maskRand = mulberry32(cfg.seed ^ 0x6d6c6d);
  const heldBatches: MaskedBatch[] = [];
  for (let start = 0; start < held.length; start += cfg.batchSize) {
    const { x, size } = gatherBatch(ds, held, start, Math.min(held.length, start + cfg.batchSize));
    const t = trimPadding(x, size, length);
    heldBatches.push(maskTokens(t.x, size, t.length, vocab, maskRand));
  }
  const pictured = gatherBatch(ds, held, 0, Math.min(held.length, 4));
  let report = { loss: NaN, accuracy: NaN, perplexity: NaN };
  return {
    step: (r, start, end, step) => {
      rate(step, opt);
      // Cut to the batch's longest text: short texts do not pay for the padding of long ones.
      const t = trimPadding(gatherBatch(ds, r, start, end).x, end - start, length);
      return [steps.train(maskTokens(t.x, end - start, t.length, vocab, mulberry32(stepSeed(cfg.seed, step))))];
    },
    heldOut: async () => {
      report = await steps.evaluate(heldBatches);
      return { valLoss: report.loss, valAccuracy: report.accuracy, loss: report.loss };
    },
    pictures: async () => ({
      fills: await fillMasks(
        trunk,
        head,
        pictured.x,
        pictured.size,
        length,
        (id) => tokenizer.idToToken(id),
        mulberry32(cfg.seed + 7),
      ),
      perplexity: report.perplexity,
      maskedAccuracy: report.accuracy,
    }),
    dispose: () => {
      head.dispose();
      opt.dispose();
    },
  };
}

export const mlm: PretrainMethod = {
  info: OBJECTIVES.mlm,
  series: ['masked LM'],
  // The Transformer, as an encoder of whole texts (saved) and a per-token trunk (MLM's input).
  build: (ds, cfg) => {
    const { encoder, trunk } = buildTextEncoder(mlmSpec(ds, cfg.text), cfg.seed);
    return { encoder, shape: ds.inputShape, start: (ctx) => session(ctx, trunk) };
  },
  // The Transformer and its vocabulary-sized output layer (applied to the masked tokens only).
  checkSize: (ds, cfg, limits) => {
    const spec = mlmSpec(ds, cfg.text);
    const { encoder, trunk } = buildTextEncoder(spec, cfg.seed);
    const head = buildMlmHead(spec.width, spec.vocabSize, cfg.seed);
    try {
      checkFits(trunk, cfg.batchSize, limits, ds.features);
      checkFits(head, Math.ceil(cfg.batchSize * ds.features * MLM_RATE), limits);
    } finally {
      encoder.dispose();
      head.dispose();
    }
  },
  kernels: () => TRAINING_KERNELS.transformer,
  savedEncoder: () => ({ kind: 'transformer', widths: [] }),
  measure: (ds, cfg) => measureMlm(mlmSpec(ds, cfg.text), ds, cfg.batchSize),
};
