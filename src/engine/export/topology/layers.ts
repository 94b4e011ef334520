// What the reader makes of a saved TensorFlow.js layers topology: a chain of layers, each with
// its class, the options that matter for writing it elsewhere, and the shapes in and out of it.
import type { Pair, Padding } from './shapes';

/** Layer classes the studio builds for its dense and convolutional networks (and an explicit input). */
export const KNOWN_LAYERS = [
  'InputLayer',
  'Dense',
  'Dropout',
  'Activation',
  'Conv2D',
  'Conv2DTranspose',
  'MaxPooling2D',
  'GlobalMaxPooling2D',
  'UpSampling2D',
  'Flatten',
  'Reshape',
] as const;
export type LayerClass = (typeof KNOWN_LAYERS)[number];

/** The layers only the text Transformer has: refusing them says what to download instead. */
export const TRANSFORMER_LAYERS: ReadonlySet<string> = new Set([
  'Embedding',
  'LayerNormalization',
  'Add',
  'StudioPositionEmbedding',
  'StudioSelfAttention',
  'StudioMaskedPooling',
]);

/** TensorFlow.js 4.22's activations, by the names it saves (Keras's); every format writes all of them. */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hard_sigmoid',
  'softplus',
  'softsign',
  'tanh',
  'softmax',
  'log_softmax',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];
/** The names tfjs takes in code (and some files hold) for the two it saves in snake_case. */
export const ACTIVATION_ALIASES: Readonly<Record<string, Activation>> = {
  hardSigmoid: 'hard_sigmoid',
  logSoftmax: 'log_softmax',
};

/** The options of each kind of layer, as read from its config (defaults filled in). */
export type LayerOptions =
  | { type: 'input' }
  | { type: 'dense'; units: number; bias: boolean; activation: Activation }
  | {
      type: 'conv' | 'deconv';
      filters: number;
      kernel: Pair;
      strides: Pair;
      dilation: Pair;
      padding: Padding;
      bias: boolean;
      activation: Activation;
      groups: number;
      /** Keras's output_padding (tfjs has none); null when unset. */
      outputPadding: unknown;
    }
  | { type: 'maxpool'; pool: Pair; strides: Pair; padding: Padding }
  | { type: 'globalmaxpool'; keepdims: boolean }
  | { type: 'upsample'; size: Pair; interpolation: 'nearest' | 'bilinear' }
  | { type: 'flatten' }
  | { type: 'reshape'; dims: (number | null)[] }
  | { type: 'dropout'; rate: number; noiseShape: boolean }
  | { type: 'activation'; activation: Activation };

/** Where a layer is, for messages and names. */
export interface LayerRef {
  /** 1-based, in the topology's order. */
  position: number;
  /** The tfjs layer name, as saved. */
  name: string;
  className: string;
}

/** What every layer may declare besides its options. */
export interface LayerHead extends LayerRef {
  className: LayerClass;
  /** data_format where the layer has one (images are channels_last unless it says otherwise). */
  dataFormat: 'channels_last' | 'channels_first';
  /** The per-sample input a layer declares (batch_input_shape or Keras 3's batch_shape), and its dtype. */
  declaredInput: { shape: number[]; dtype: string } | null;
}

/** A layer read from its config, before the shapes are known. */
export type ParsedLayer = LayerOptions & LayerHead;

export interface WeightRef {
  /** The tfjs weight name: the manifest's once bound (bindWeights), `${layer}/${role}` before. */
  name: string;
  shape: number[];
  role: 'kernel' | 'bias';
  /** Byte offset in the weight data once bound; null before. */
  offset: number | null;
}

/** A Reshape's target with its free dimension resolved. */
type Shaped<T> = T extends { type: 'reshape' } ? T & { target: number[] } : T;

/** A layer of the chain: its options, the shapes of one sample in and out (channels last, as tfjs), its weights. */
export type ChainLayer = Shaped<Exclude<ParsedLayer, { type: 'input' }>> & {
  inShape: number[];
  outShape: number[];
  /** In tfjs's order: kernel, then bias. */
  weights: WeightRef[];
};

export interface Chain {
  /** The model's own name (config.name), or "model". */
  modelName: string;
  inputShape: number[];
  /** The declared input's dtype ("float32" unless it says otherwise). */
  inputDtype: string;
  outputShape: number[];
  /** Every layer but InputLayer, in order. */
  layers: ChainLayer[];
}

/** `layer 3 "conv2" (Conv2D)`: how every message names a layer. */
export function where(l: LayerRef): string {
  return `layer ${l.position} "${l.name.slice(0, 80)}" (${l.className.slice(0, 60)})`;
}
