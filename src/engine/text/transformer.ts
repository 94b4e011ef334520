// The studio's Transformer encoder for text: token and learned position embeddings, N pre-norm
// blocks (LayerNorm -> multi-head self-attention -> residual, LayerNorm -> MLP(gelu) -> residual),
// a final LayerNorm, then pooling (the [CLS] position or the mean over non-padding tokens). Standard
// tfjs layers wherever tfjs has one; attention, position embeddings and masked pooling are the
// three custom layers of studioLayers.js, which the download ships with the model.
import * as tf from '@tensorflow/tfjs';
import { TRANSFORMER_LIMITS } from '../../shared/limits';
import type { HeadSpec, TextModelSpec } from '../../shared/types/training';
import { registerFastTileGradient } from '../tileGradient';
import { registerStudioLayers } from './studioLayers.js';

/** The settings plus what the data fixes: the vocabulary and the token length. */
export interface TransformerSpec extends TextModelSpec {
  vocabSize: number;
  maxLen: number;
}

// Registered once on import: checkpoints and downloads of text models name these classes, and
// LayerNormalization trains 5x faster with a one-sum Tile gradient (see tileGradient.ts).
const layers = registerStudioLayers(tf);
registerFastTileGradient();

export function validateTransformer(s: TransformerSpec): void {
  const whole = (name: string, v: number, [lo, hi]: readonly [number, number]) => {
    if (!Number.isInteger(v) || v < lo || v > hi)
      throw new Error(`Transformer ${name}: use a whole number from ${lo} to ${hi}.`);
  };
  whole('width', s.width, TRANSFORMER_LIMITS.width);
  whole('heads', s.heads, TRANSFORMER_LIMITS.heads);
  whole('layers', s.layers, TRANSFORMER_LIMITS.layers);
  whole('MLP width', s.mlpWidth, TRANSFORMER_LIMITS.mlpWidth);
  if (s.width % s.heads)
    throw new Error(`Transformer width ${s.width} must divide evenly among ${s.heads} heads (e.g. width 64, 4 heads).`);
  const [d0, d1] = TRANSFORMER_LIMITS.dropout;
  if (!(s.dropout >= d0 && s.dropout <= d1)) throw new Error(`Transformer dropout: use a number from ${d0} to ${d1}.`);
  if (s.pooling !== 'cls' && s.pooling !== 'mean') throw new Error('Transformer pooling: "cls" or "mean".');
  if (!Number.isInteger(s.vocabSize) || s.vocabSize < 5) throw new Error('The tokenizer has too few tokens.');
}

interface TextGraph {
  ids: tf.SymbolicTensor;
  /** Per token: (batch, length, width), after the final LayerNorm (what MLM reads). */
  hidden: tf.SymbolicTensor;
  /** Per text: (batch, width). */
  pooled: tf.SymbolicTensor;
}

function graph(s: TransformerSpec, seed: number): TextGraph {
  validateTransformer(s);
  let k = 0;
  const glorot = () => tf.initializers.glorotUniform({ seed: seed * 173 + ++k });
  // A free length: a batch of texts is cut to its longest (padding costs nothing); the position
  // embeddings cover up to maxLen tokens.
  const ids = tf.input({ shape: [null], name: 'encoder_ids' });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(x) as tf.SymbolicTensor;
  const dropout = (x: tf.SymbolicTensor, name: string) =>
    s.dropout > 0 ? apply(tf.layers.dropout({ rate: s.dropout, name }), x) : x;

  let h = apply(
    tf.layers.embedding({
      inputDim: s.vocabSize,
      outputDim: s.width,
      embeddingsInitializer: tf.initializers.truncatedNormal({ stddev: 0.02, seed: seed * 173 }),
      name: 'encoder_token_embedding',
    }),
    ids,
  );
  h = apply(
    new layers.StudioPositionEmbedding({ maxLength: s.maxLen, seed: seed * 173 + 1000, name: 'encoder_position' }),
    h,
  );
  h = dropout(h, 'encoder_embedding_dropout');
  for (let b = 1; b <= s.layers; b++) {
    const p = `encoder_block${b}`;
    let a = apply(tf.layers.layerNormalization({ epsilon: 1e-5, name: `${p}_norm1` }), h);
    a = apply(new layers.StudioSelfAttention({ heads: s.heads, seed: seed * 173 + 2000 + b, name: `${p}_attention` }), [
      a,
      ids,
    ]);
    a = dropout(a, `${p}_attention_dropout`);
    h = apply(tf.layers.add({ name: `${p}_residual1` }), [h, a]);
    let m = apply(tf.layers.layerNormalization({ epsilon: 1e-5, name: `${p}_norm2` }), h);
    m = apply(
      tf.layers.dense({ units: s.mlpWidth, activation: 'gelu', kernelInitializer: glorot(), name: `${p}_mlp1` }),
      m,
    );
    m = apply(tf.layers.dense({ units: s.width, kernelInitializer: glorot(), name: `${p}_mlp2` }), m);
    m = dropout(m, `${p}_mlp_dropout`);
    h = apply(tf.layers.add({ name: `${p}_residual2` }), [h, m]);
  }
  const hidden = apply(tf.layers.layerNormalization({ epsilon: 1e-5, name: 'encoder_norm' }), h);
  const pooled = apply(new layers.StudioMaskedPooling({ mode: s.pooling, name: 'encoder_pool' }), [hidden, ids]);
  return { ids, hidden, pooled };
}

/**
 * The encoder as pretraining makes it: `encoder` maps token ids to one vector per text (what is
 * saved and fine-tuned from); `trunk` shares its layers and gives one vector per token (for MLM).
 * Dispose `encoder` only: the trunk holds nothing of its own.
 */
export function buildTextEncoder(s: TransformerSpec, seed: number): { encoder: tf.LayersModel; trunk: tf.LayersModel } {
  const g = graph(s, seed);
  return {
    encoder: tf.model({ inputs: g.ids, outputs: g.pooled, name: 'text_encoder' }),
    trunk: tf.model({ inputs: g.ids, outputs: g.hidden, name: 'text_trunk' }),
  };
}

/**
 * Encoder plus task head (layers `head_*`: hidden Dense(relu), Dropout, softmax or one linear unit).
 * `encoderWeights`, when given, are a pretrained encoder's weights in its order: they fill the
 * encoder's layers (the head stays fresh).
 */
export function buildTextClassifier(
  s: TransformerSpec,
  outputs: number,
  seed: number,
  head: HeadSpec,
  encoderWeights?: { shape: number[]; values: Float32Array }[],
): tf.LayersModel {
  const g = graph(s, seed);
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed * 101 + offset });
  let x = g.pooled;
  head.hidden.forEach((units, i) => {
    x = tf.layers
      .dense({ units, activation: 'relu', kernelInitializer: init(20 + i), name: `head_hidden${i + 1}` })
      .apply(x) as tf.SymbolicTensor;
  });
  if (head.dropout > 0)
    x = tf.layers.dropout({ rate: head.dropout, name: 'head_dropout' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense(
      outputs > 0
        ? { units: outputs, activation: 'softmax', kernelInitializer: init(9), name: 'head_out' }
        : { units: 1, activation: 'linear', kernelInitializer: init(9), name: 'head_out' },
    )
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: g.ids, outputs: x, name: 'text_transformer' });
  if (encoderWeights) {
    const current = model.getWeights();
    if (
      encoderWeights.length > current.length ||
      encoderWeights.some((w, i) => current[i]!.shape.join() !== w.shape.join())
    ) {
      model.dispose();
      throw new Error(
        'The pretrained Transformer does not fit this network (its width, layers or vocabulary differ): pretrain again on this dataset.',
      );
    }
    const pretrained = encoderWeights.map((w) => tf.tensor(w.values, w.shape));
    model.setWeights([...pretrained, ...current.slice(pretrained.length)]);
    tf.dispose(pretrained);
  }
  return model;
}
