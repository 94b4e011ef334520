// A studio network's saved topology (tfjs layers JSON) read as the chain of layers model.py
// spells out: each layer's settings, the shapes in and out of it (PyTorch needs the sizes tfjs
// infers, e.g. a Linear's in_features or TF's "same" padding), and its weights from the manifest.
// Anything PyTorch cannot be given faithfully is refused with an ExportError naming the layer.
import { ExportError } from '../exportError';
import { KNOWN_LAYERS } from '../modelFiles';

/** Activations model.py writes (tfjs names); each has the same formula in PyTorch. */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'sigmoid',
  'hard_sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'swish',
  'mish',
  'exponential',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export type Pair = [number, number];

export type LayerSpec =
  | { type: 'dense'; units: number; bias: boolean; activation: Activation }
  | {
      type: 'conv' | 'deconv';
      filters: number;
      kernel: Pair;
      strides: Pair;
      dilation: Pair;
      padding: 'same' | 'valid';
      bias: boolean;
      activation: Activation;
    }
  | { type: 'maxpool'; pool: Pair; strides: Pair; padding: 'same' | 'valid' }
  | { type: 'globalmaxpool' }
  | { type: 'upsample'; size: Pair }
  | { type: 'flatten' }
  | { type: 'reshape'; target: number[] }
  | { type: 'dropout'; rate: number }
  | { type: 'activation'; activation: Activation };

export interface WeightRef {
  /** The tfjs weight name (the key in weights.npz and in the manifest). */
  name: string;
  shape: number[];
  role: 'kernel' | 'bias';
}

export type ChainLayer = LayerSpec & {
  /** The tfjs layer name, as saved. */
  name: string;
  className: string;
  /** Shapes of one sample (no batch dimension), channels last as in tfjs. */
  inShape: number[];
  outShape: number[];
  weights: WeightRef[];
};

export interface Chain {
  modelName: string;
  inputShape: number[];
  layers: ChainLayer[];
}

interface RawLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes?: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** The layer classes model.py writes: every one the studio knows (besides its text Transformer's). */
export const LAYER_CLASSES = KNOWN_LAYERS;

const SUPPORTED = `the PyTorch project writes the studio's dense and convolutional networks (${LAYER_CLASSES.slice(1).join(', ')}); text Transformers (embeddings, self-attention) are not supported`;

function refuse(at: string, why: string): never {
  throw new ExportError(`${at} ${why}`);
}

/** Where a layer is, for messages: position, name and class. */
const where = (i: number, l: { name: string; class_name: string }) => `Layer ${i + 1} "${l.name}" (${l.class_name})`;

/** The layers of a Sequential, or of a Functional model that is one chain (each layer feeds the next). */
function chainLayers(topology: object): { modelName: string; layers: RawLayer[] } {
  const topo = topology as Record<string, unknown>;
  const root = isObj(topo.model_config) ? topo.model_config : topo;
  const config = root.config;
  const raw = isObj(config) ? config.layers : config;
  if (!Array.isArray(raw) || !raw.length) throw new ExportError('The model lists no layers.');
  const modelName = isObj(config) && typeof config.name === 'string' ? config.name : 'model';
  const layers = raw.map((l, i): RawLayer => {
    if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config))
      throw new ExportError(`Layer ${i + 1} has no class_name and config.`);
    const name = typeof l.config.name === 'string' ? l.config.name : typeof l.name === 'string' ? l.name : `layer${i}`;
    return { class_name: l.class_name, name, config: l.config, inbound_nodes: l.inbound_nodes };
  });
  // Unknown layers first: they say more (a Transformer's attention) than the wiring around them.
  layers.forEach((l, i) => {
    if (!(LAYER_CLASSES as readonly string[]).includes(l.class_name))
      refuse(where(i, l), `is not supported: ${SUPPORTED}.`);
  });
  if (root.class_name === 'Sequential') return { modelName, layers };
  if (root.class_name !== 'Model' && root.class_name !== 'Functional')
    throw new ExportError(`The model class "${String(root.class_name)}" is not Sequential or a Functional model.`);
  assertSingleChain(config as Record<string, unknown>, layers);
  return { modelName, layers };
}

/** A Functional model's wiring: one input, one output, each layer fed by the one before it alone. */
function assertSingleChain(config: Record<string, unknown>, layers: RawLayer[]): void {
  const ins = config.input_layers;
  const outs = config.output_layers;
  if (!Array.isArray(ins) || ins.length !== 1 || !Array.isArray(outs) || outs.length !== 1)
    throw new ExportError('The model must have exactly one input and one output.');
  const chainOnly = 'only networks that are a single chain of layers are supported.';
  layers.forEach((l, i) => {
    const sources = inboundNames(l);
    const expected = i === 0 ? [] : [layers[i - 1]!.name];
    if (sources.join('\n') === expected.join('\n')) return;
    const reused = Array.isArray(l.inbound_nodes) && l.inbound_nodes.length > 1;
    refuse(
      where(i, l),
      sources.length > 1 || reused
        ? `takes ${sources.length} inputs or is used more than once; ${chainOnly}`
        : `takes its input from ${sources.length ? `"${sources.join('", "')}"` : 'nothing'}, not from the layer before it; ${chainOnly}`,
    );
  });
  const last: unknown = Array.isArray(outs[0]) ? outs[0][0] : undefined;
  if (last !== layers[layers.length - 1]!.name)
    throw new ExportError(`The model's output is "${String(last)}", not its last layer; ${chainOnly}`);
}

/** The layer names feeding a Functional layer ([] for an input layer). */
function inboundNames(l: RawLayer): string[] {
  if (!Array.isArray(l.inbound_nodes)) return [];
  return l.inbound_nodes.flatMap((node: unknown) =>
    Array.isArray(node) ? node.map((t: unknown) => (Array.isArray(t) ? String(t[0]) : String(t))) : [],
  );
}

function int(v: unknown, at: string, what: string, min = 1): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
  return refuse(at, `has an invalid ${what} (${JSON.stringify(v)?.slice(0, 40)}).`);
}

function pair(v: unknown, at: string, what: string, dflt: Pair): Pair {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return [int(v, at, what), int(v, at, what)];
  if (Array.isArray(v) && v.length === 2) return [int(v[0], at, what), int(v[1], at, what)];
  return refuse(at, `has an invalid ${what} (${JSON.stringify(v)?.slice(0, 40)}).`);
}

function activation(v: unknown, at: string): Activation {
  // tfjs saves hard sigmoid as "hardSigmoid", Keras as "hard_sigmoid".
  const name = v === undefined || v === null ? 'linear' : v === 'hardSigmoid' ? 'hard_sigmoid' : v;
  if (typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name)) return name as Activation;
  return refuse(
    at,
    `uses the activation ${JSON.stringify(name)?.slice(0, 40)}, which the PyTorch project does not write (supported: ${ACTIVATIONS.join(', ')}).`,
  );
}

function padding(v: unknown, at: string): 'same' | 'valid' {
  const p = v ?? 'valid';
  if (p === 'same' || p === 'valid') return p;
  return refuse(at, `has padding ${JSON.stringify(p)}; only "valid" and "same" are supported.`);
}

function channelsLast(c: Record<string, unknown>, at: string): void {
  if (c.data_format !== undefined && c.data_format !== null && c.data_format !== 'channels_last')
    refuse(at, 'uses channels_first; the studio (and this project) expect channels_last images.');
}

function image(shape: number[], at: string): [number, number, number] {
  if (shape.length !== 3) refuse(at, `needs an image input (height × width × channels), not ${shape.join('×')}.`);
  return shape as [number, number, number];
}

/** tfjs's convOutputLength. */
const convLength = (n: number, k: number, pad: 'same' | 'valid', stride: number, dilation = 1) => {
  const span = (k - 1) * dilation + 1;
  return Math.floor(((pad === 'same' ? n : n - span + 1) + stride - 1) / stride);
};

/** tfjs's deconvLength. */
const deconvLength = (n: number, k: number, pad: 'same' | 'valid', stride: number) =>
  pad === 'same' ? n * stride : n * stride + Math.max(k - stride, 0);

/** One layer's settings and the shape it outputs for `shape`. */
function readLayer(l: RawLayer, at: string, shape: number[]): { spec: LayerSpec | null; out: number[] } {
  const c = l.config;
  switch (l.class_name) {
    case 'InputLayer':
      return { spec: null, out: shape };
    case 'Dense': {
      const units = int(c.units, at, 'number of units');
      return {
        spec: { type: 'dense', units, bias: c.use_bias !== false, activation: activation(c.activation, at) },
        out: [...shape.slice(0, -1), units],
      };
    }
    case 'Dropout': {
      const rate = c.rate;
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) refuse(at, 'has a dropout rate outside 0 to 1.');
      if (c.noise_shape !== undefined && c.noise_shape !== null)
        refuse(at, 'has a noise_shape; only plain dropout is supported.');
      return { spec: { type: 'dropout', rate }, out: shape };
    }
    case 'Activation':
      return { spec: { type: 'activation', activation: activation(c.activation, at) }, out: shape };
    case 'Flatten':
      return { spec: { type: 'flatten' }, out: [prod(shape)] };
    case 'Reshape': {
      const t = c.target_shape;
      if (!Array.isArray(t) || !t.length) refuse(at, 'has no target_shape.');
      const dims = t.map((d) => (d === -1 ? -1 : int(d, at, 'target dimension')));
      const known = prod(dims.filter((d) => d !== -1));
      const free = dims.filter((d) => d === -1).length;
      const size = prod(shape);
      if (free > 1 || (free === 0 && known !== size) || (free === 1 && size % known !== 0))
        refuse(at, `cannot reshape ${shape.join('×')} to ${dims.join('×')}.`);
      const out = dims.map((d) => (d === -1 ? size / known : d));
      return { spec: { type: 'reshape', target: out }, out };
    }
    case 'Conv2D':
    case 'Conv2DTranspose': {
      channelsLast(c, at);
      const [h, w] = image(shape, at);
      if (c.groups !== undefined && c.groups !== null && c.groups !== 1) refuse(at, 'uses grouped convolution.');
      const filters = int(c.filters, at, 'number of filters');
      const kernel = pair(c.kernel_size, at, 'kernel_size', [3, 3]);
      const strides = pair(c.strides, at, 'strides', [1, 1]);
      const dilation = pair(c.dilation_rate, at, 'dilation_rate', [1, 1]);
      const pad = padding(c.padding, at);
      const deconv = l.class_name === 'Conv2DTranspose';
      if (deconv && (dilation[0] !== 1 || dilation[1] !== 1)) refuse(at, 'uses a dilated transposed convolution.');
      if (!deconv && (strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1))
        refuse(at, 'uses strides and dilation together, which TensorFlow does not define.');
      const out: number[] = deconv
        ? [deconvLength(h, kernel[0], pad, strides[0]), deconvLength(w, kernel[1], pad, strides[1]), filters]
        : [
            convLength(h, kernel[0], pad, strides[0], dilation[0]),
            convLength(w, kernel[1], pad, strides[1], dilation[1]),
            filters,
          ];
      const spec = {
        type: deconv ? ('deconv' as const) : ('conv' as const),
        filters,
        kernel,
        strides,
        dilation,
        padding: pad,
        bias: c.use_bias !== false,
        activation: activation(c.activation, at),
      };
      return { spec, out };
    }
    case 'MaxPooling2D': {
      channelsLast(c, at);
      const [h, w, ch] = image(shape, at);
      const pool = pair(c.pool_size, at, 'pool_size', [2, 2]);
      const strides = pair(c.strides, at, 'strides', pool);
      const pad = padding(c.padding, at);
      return {
        spec: { type: 'maxpool', pool, strides, padding: pad },
        out: [convLength(h, pool[0], pad, strides[0]), convLength(w, pool[1], pad, strides[1]), ch],
      };
    }
    case 'GlobalMaxPooling2D': {
      channelsLast(c, at);
      const [, , ch] = image(shape, at);
      if (c.keepdims === true || c.keep_dims === true) refuse(at, 'keeps the pooled dimensions (keepdims).');
      return { spec: { type: 'globalmaxpool' }, out: [ch] };
    }
    case 'UpSampling2D': {
      channelsLast(c, at);
      const [h, w, ch] = image(shape, at);
      if (c.interpolation !== undefined && c.interpolation !== 'nearest')
        refuse(at, `uses ${JSON.stringify(c.interpolation)} interpolation; only "nearest" is supported.`);
      const size = pair(c.size, at, 'size', [2, 2]);
      return { spec: { type: 'upsample', size }, out: [h * size[0], w * size[1], ch] };
    }
    default:
      return refuse(at, `is not supported: ${SUPPORTED}.`);
  }
}

/** The weights a layer holds, in tfjs's order (kernel, then bias), with their expected shapes. */
function expectedWeights(spec: LayerSpec | null, inShape: number[]): { role: 'kernel' | 'bias'; shape: number[] }[] {
  if (!spec) return [];
  const inner = inShape[inShape.length - 1]!;
  switch (spec.type) {
    case 'dense':
      return [
        { role: 'kernel', shape: [inner, spec.units] },
        ...(spec.bias ? [{ role: 'bias' as const, shape: [spec.units] }] : []),
      ];
    case 'conv':
    case 'deconv': {
      const [kh, kw] = spec.kernel;
      // Conv2D: [kh, kw, in, out]; Conv2DTranspose: [kh, kw, out, in].
      const kernel = spec.type === 'conv' ? [kh, kw, inner, spec.filters] : [kh, kw, spec.filters, inner];
      return [
        { role: 'kernel', shape: kernel },
        ...(spec.bias ? [{ role: 'bias' as const, shape: [spec.filters] }] : []),
      ];
    }
    default:
      return [];
  }
}

/**
 * The chain of layers of a studio network, shapes inferred and weights assigned from the
 * manifest (in order: tfjs lists each layer's kernel then bias). Throws ExportError when a layer
 * cannot be written for PyTorch.
 */
export function readChain(topology: object, weightSpecs?: readonly { name: string; shape: number[] }[]): Chain {
  const { modelName, layers } = chainLayers(topology);
  let shape: number[] | null = null;
  let inputShape: number[] = [];
  let next = 0;
  const out: ChainLayer[] = [];
  layers.forEach((l, i) => {
    const at = where(i, l);
    const declared = l.config.batch_input_shape ?? l.config.batch_shape;
    if (Array.isArray(declared) && !shape) {
      shape = declared.slice(1).map((d) => int(d, at, 'input dimension'));
      inputShape = [...shape];
    }
    if (!shape) refuse(at, 'comes before any layer declares the input shape.');
    const inShape: number[] = shape;
    const { spec, out: outShape } = readLayer(l, at, inShape);
    shape = outShape;
    if (!spec) return;
    const weights = expectedWeights(spec, inShape).map(({ role, shape: expected }) => {
      if (!weightSpecs) return { name: `${l.name}/${role}`, shape: expected, role };
      const w = weightSpecs[next++];
      if (!w || w.shape.join() !== expected.join())
        refuse(
          at,
          `expects a ${role} of shape [${expected.join(', ')}], but the weights manifest has ${w ? `"${w.name}" of shape [${w.shape.join(', ')}]` : 'no more weights'}.`,
        );
      return { name: w.name, shape: w.shape, role };
    });
    out.push({ ...spec, name: l.name, className: l.class_name, inShape, outShape, weights });
  });
  if (weightSpecs && next !== weightSpecs.length)
    throw new ExportError(
      `The weights manifest lists ${weightSpecs.length} weights, but the layers use ${next}; the model files do not belong together.`,
    );
  if (!out.length) throw new ExportError('The model has no layers besides its input.');
  return { modelName, inputShape, layers: out };
}
