// BERT's masked language modeling: 15% of each text's tokens are chosen; of those 80% become
// [MASK], 10% a random token and 10% stay; the model predicts the original token at every chosen
// position. Only the chosen positions go through the vocabulary-sized output layer (gathered
// first), which is most of the cost otherwise.
import * as tf from '@tensorflow/tfjs';
import type { MaskedText } from '../../shared/types/results';
import { trainableVariables } from '../train/loop';
import { CLS_ID, MASK_ID, PAD_ID, SPECIAL_TOKENS } from './tokenizer.js';

export const MLM_RATE = 0.15;

export interface MaskedBatch {
  /** Tokens per row (a batch may be cut to its longest text). */
  length: number;
  /** Token ids with the chosen positions replaced (rows × length). */
  input: Float32Array;
  /** Chosen positions as flat indices (row × length + position). */
  positions: Int32Array;
  /** The original token at each chosen position. */
  targets: Int32Array;
}

/** Positions a text's real tokens occupy: not padding, not [CLS]. */
const maskable = (id: number) => id !== PAD_ID && id !== CLS_ID;

/**
 * Chooses and corrupts positions as BERT does. Every row with a real token gets at least one
 * chosen position (short texts would otherwise often teach nothing). `rand` makes it repeatable.
 */
export function maskTokens(
  ids: ArrayLike<number>,
  rows: number,
  length: number,
  vocabSize: number,
  rand: () => number,
  rate = MLM_RATE,
): MaskedBatch {
  const input = Float32Array.from({ length: rows * length }, (_, i) => ids[i]!);
  const positions: number[] = [];
  const firstReal = SPECIAL_TOKENS.length;
  const choose = (i: number) => {
    positions.push(i);
    const r = rand();
    if (r < 0.8) input[i] = MASK_ID;
    else if (r < 0.9) input[i] = firstReal + Math.floor(rand() * (vocabSize - firstReal));
  };
  for (let r = 0; r < rows; r++) {
    const start = r * length;
    let real = 0;
    let chosen = 0;
    for (let j = start; j < start + length; j++) {
      if (!maskable(ids[j]!)) continue;
      real++;
      if (rand() < rate) {
        choose(j);
        chosen++;
      }
    }
    if (real && !chosen) {
      // The k-th real token, k uniform.
      let k = Math.floor(rand() * real);
      for (let j = start; j < start + length; j++)
        if (maskable(ids[j]!) && k-- === 0) {
          choose(j);
          break;
        }
    }
  }
  const order = Int32Array.from(positions).sort();
  return { length, input, positions: order, targets: Int32Array.from(order, (i) => ids[i]!) };
}

/** The MLM output head: Dense(width, gelu) -> LayerNorm -> Dense(vocabulary) logits. */
export function buildMlmHead(width: number, vocabSize: number, seed: number): tf.Sequential {
  const head = tf.sequential({ name: 'mlm_head' });
  head.add(
    tf.layers.dense({
      inputShape: [width],
      units: width,
      activation: 'gelu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 191 + 1 }),
      name: 'mlm_transform',
    }),
  );
  head.add(tf.layers.layerNormalization({ epsilon: 1e-5, name: 'mlm_norm' }));
  head.add(
    tf.layers.dense({
      units: vocabSize,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 191 + 2 }),
      name: 'mlm_logits',
    }),
  );
  return head;
}

interface BatchTensors {
  input: tf.Tensor2D;
  positions: tf.Tensor1D;
  targets: tf.Tensor1D;
}

function tensors(b: MaskedBatch): BatchTensors {
  return {
    input: tf.tensor2d(b.input, [b.input.length / b.length, b.length]),
    positions: tf.tensor1d(b.positions, 'int32'),
    targets: tf.tensor1d(b.targets, 'int32'),
  };
}

/** Logits at the chosen positions: (chosen, vocabulary). */
function maskedLogits(trunk: tf.LayersModel, head: tf.LayersModel, t: BatchTensors, training: boolean): tf.Tensor2D {
  const hidden = trunk.apply(t.input, { training }) as tf.Tensor3D;
  const width = hidden.shape[2];
  const picked = tf.gather(hidden.reshape([-1, width]), t.positions);
  return head.apply(picked, { training }) as tf.Tensor2D;
}

/** Mean cross-entropy over the chosen positions (sparse: the targets are token ids). */
function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const logp = tf.logSoftmax(logits);
  return tf.neg(tf.sum(tf.mul(logp, tf.oneHot(targets, logits.shape[1]))).div(targets.shape[0])) as tf.Scalar;
}

export interface MlmReport {
  /** Mean cross-entropy per masked token. */
  loss: number;
  /** Share of masked tokens whose most probable fill is the original. */
  accuracy: number;
  perplexity: number;
  tokens: number;
}

export function mlmSteps(trunk: tf.LayersModel, head: tf.LayersModel, optimizer: tf.Optimizer) {
  const vars = [...trainableVariables(trunk), ...trainableVariables(head)];
  return {
    /** One update; returns the batch's loss (the caller disposes it). */
    train(batch: MaskedBatch): tf.Scalar {
      const t = tensors(batch);
      try {
        return optimizer.minimize(() => crossEntropy(maskedLogits(trunk, head, t, true), t.targets), true, vars)!;
      } finally {
        tf.dispose([t.input, t.positions, t.targets]);
      }
    },
    /** Loss and accuracy summed over batches of held-out texts, masked the same way every epoch. */
    async evaluate(batches: MaskedBatch[]): Promise<MlmReport> {
      let loss = 0;
      let right = 0;
      let tokens = 0;
      for (const batch of batches) {
        if (!batch.targets.length) continue;
        const t = tensors(batch);
        const [l, c] = tf.tidy(() => {
          const logits = maskedLogits(trunk, head, t, false);
          const hits = tf.equal(logits.argMax(1).cast('int32'), t.targets).cast('float32').sum();
          return [crossEntropy(logits, t.targets), hits];
        });
        const [lv, cv] = await Promise.all([l.data(), c.data()]);
        tf.dispose([l, c, t.input, t.positions, t.targets]);
        loss += lv[0]! * batch.targets.length;
        right += cv[0]!;
        tokens += batch.targets.length;
      }
      const mean = tokens ? loss / tokens : NaN;
      return { loss: mean, accuracy: tokens ? right / tokens : NaN, perplexity: Math.exp(mean), tokens };
    },
  };
}

/**
 * The picture of what MLM learned: held-out texts with some tokens replaced by [MASK] (the same
 * positions every epoch) and the model's three best fills for each.
 */
export async function fillMasks(
  trunk: tf.LayersModel,
  head: tf.LayersModel,
  ids: ArrayLike<number>,
  rows: number,
  length: number,
  tokenOf: (id: number) => string,
  rand: () => number,
): Promise<MaskedText[]> {
  const batch = maskTokens(ids, rows, length, 2 ** 30, rand);
  // The picture shows [MASK] at every chosen position (not BERT's random or kept ones).
  for (const p of batch.positions) batch.input[p] = MASK_ID;
  if (!batch.positions.length) return [];
  const t = tensors(batch);
  const [values, indices] = tf.tidy(() => {
    const top = tf.topk(tf.softmax(maskedLogits(trunk, head, t, false)), 3);
    return [top.values, top.indices];
  });
  const [v, ix] = await Promise.all([values.data(), indices.data()]);
  tf.dispose([values, indices, t.input, t.positions, t.targets]);
  const out: MaskedText[] = [];
  for (let r = 0; r < rows; r++) {
    const tokens: string[] = [];
    const at = new Map<number, number>();
    for (let j = 0; j < length; j++) {
      const id = ids[r * length + j]!;
      if (!maskable(id)) continue;
      at.set(r * length + j, tokens.length);
      tokens.push(tokenOf(id));
    }
    const masked: MaskedText['masked'] = [];
    batch.positions.forEach((p, k) => {
      if (Math.floor(p / length) !== r) return;
      masked.push({
        position: at.get(p)!,
        original: tokens[at.get(p)!]!,
        guesses: [0, 1, 2].map((g) => ({ token: tokenOf(ix[k * 3 + g]!), probability: v[k * 3 + g]! })),
      });
    });
    out.push({ tokens, masked });
  }
  return out;
}
