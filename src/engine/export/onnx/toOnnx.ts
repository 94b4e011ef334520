// A studio network as an ONNX model (opset 13), written from the saved TensorFlow.js layers
// topology and weights without tfjs: it runs in the worker, and the same bytes load in ONNX
// Runtime anywhere. The ONNX input is NHWC like the studio's tensors; inside, images are
// transposed to NCHW for Conv/Pool only where a layer needs it (a Conv -> Pool -> Conv chain stays
// NCHW) and back before anything that reads channels last (Flatten, Reshape, Dense, the output),
// so the flatten order and every output match tfjs.
import { ExportError } from '../exportError';
import { onnx } from './onnx.pb';
import { KNOWN_LAYERS } from '../modelFiles';

export interface SavedNetwork {
  modelTopology: object;
  weightSpecs: readonly { name: string; shape: number[]; dtype: string }[];
  weightData: ArrayBuffer;
}

export interface OnnxOptions {
  /** The model's name (graph name, and the doc string names it). */
  name: string;
  /** Said first in the model's doc string; the layout is always added. */
  docString?: string;
  /** The graph input's name (default "input"). */
  inputName?: string;
  /** The graph output's name (default "output"). */
  outputName?: string;
}

export type OnnxSupport = { ok: true } | { ok: false; reason: string };

export const ONNX_OPSET = 13;
/** IR version 7 goes with opset 13 (ONNX 1.8); Debian's onnx 1.12 checker and ONNX Runtime accept it. */
const IR_VERSION = 7;
const PRODUCER = 'Pretrain Studio';

/** The layer classes ONNX export writes: every one the studio knows (besides its text Transformer's). */
export const ONNX_LAYERS = KNOWN_LAYERS;
type LayerClass = (typeof ONNX_LAYERS)[number];

/** The layers only the text Transformer has: refusing them says what to download instead. */
const TRANSFORMER_LAYERS = new Set([
  'Embedding',
  'LayerNormalization',
  'Add',
  'StudioPositionEmbedding',
  'StudioSelfAttention',
  'StudioMaskedPooling',
]);
const TRANSFORMER_HINT =
  'The text Transformer cannot be exported to ONNX yet: use the TensorFlow.js download (model.json) for it.';
const OTHER_HINT = 'Use the TensorFlow.js download (model.json) for this model.';

/**
 * Whether toOnnx can write this network, from its topology alone (cheap: no weights read). The
 * reason names the first layer it cannot write (position, name, class), why, and what to do.
 */
export function onnxSupport(modelTopology: object): OnnxSupport {
  try {
    planNetwork(modelTopology);
    return { ok: true };
  } catch (e) {
    if (e instanceof ExportError) return { ok: false, reason: e.message };
    throw e;
  }
}

/** The ONNX model's bytes (a protobuf ModelProto); throws ExportError for what it cannot write. */
export function toOnnx(model: SavedNetwork, opts: OnnxOptions): Uint8Array {
  const inputName = opts.inputName ?? 'input';
  const outputName = opts.outputName ?? 'output';
  if (inputName === outputName) throw new Error('The ONNX input and output need different names.');
  let plan: Plan;
  try {
    plan = planNetwork(model.modelTopology);
  } catch (e) {
    if (e instanceof ExportError) throw new ExportError(`This model cannot be exported to ONNX: ${e.message}`);
    throw e;
  }
  const weights = new WeightReader(model.weightSpecs, model.weightData);
  const g = new GraphBuilder([inputName, outputName]);
  let x: Value = { name: inputName, shape: plan.inputShape, layout: 'NHWC' };
  for (const step of plan.steps) x = emitStep(g, step, x, weights);
  weights.assertAllRead();
  g.nameOutput(toLayout(g, x, 'NHWC', 'output').name, outputName);

  const bytes = onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: PRODUCER,
    docString: docString(opts, inputName, plan.inputShape, outputName, plan.outputShape),
    graph: {
      name: opts.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(inputName, plan.inputShape)],
      output: [valueInfo(outputName, plan.outputShape)],
    },
  }).finish();
  // Node's protobuf writer may hand back a view into a shared pool: the caller gets its own buffer.
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

function docString(o: OnnxOptions, input: string, inShape: number[], output: string, outShape: number[]): string {
  const head = o.docString ?? `${o.name}, exported by ${PRODUCER}.`;
  const named = head.includes(o.name) ? head : `${o.name}: ${head}`;
  const dims = (s: number[]) => `[batch, ${s.join(', ')}]`;
  const image = inShape.length === 3 ? ' (NHWC: batch, height, width, channels)' : '';
  return (
    `${named} Layout as in TensorFlow.js, channels last (NHWC for images): ` +
    `input "${input}" float32 ${dims(inShape)}${image}; output "${output}" float32 ${dims(outShape)}.`
  );
}

function valueInfo(name: string, shape: number[]): onnx.ValueInfoProto.$Properties {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'batch' }, ...shape.map((d) => ({ dimValue: d }))] },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reading the topology: one chain of known layers, each checked and its shapes inferred.

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Layer {
  /** 1-based, in the topology's order. */
  position: number;
  name: string;
  className: string;
  config: Json;
}

type Pair = [number, number];
/** Top, left, bottom, right: ONNX's pads order for 2-D. */
type Pads = [number, number, number, number];

type Step =
  | { op: 'dense'; layer: Layer; units: number; bias: boolean; activation: ActivationName }
  | { op: 'conv' | 'convTranspose'; layer: Layer; conv: ConvGeometry; bias: boolean; activation: ActivationName }
  | { op: 'maxPool'; layer: Layer; kernel: Pair; strides: Pair; pads: Pads }
  | { op: 'globalMaxPool'; layer: Layer; keepDims: boolean }
  | { op: 'upSample'; layer: Layer; size: Pair; mode: 'nearest' | 'linear' }
  | { op: 'flatten'; layer: Layer }
  | { op: 'reshape'; layer: Layer; target: number[] }
  | { op: 'activation'; layer: Layer; activation: ActivationName };

interface ConvGeometry {
  inChannels: number;
  filters: number;
  kernel: Pair;
  strides: Pair;
  pads: Pads;
  /** ConvTranspose only: extra rows/columns at the end so the size is tfjs's. */
  outputPadding: Pair;
}

/** A layer to write, with its per-sample output shape (tfjs's, channels last). */
interface Planned {
  step: Step;
  outShape: number[];
}

interface Plan {
  inputShape: number[];
  steps: Planned[];
  outputShape: number[];
}

function describe(l: Layer): string {
  return `layer ${l.position} "${l.name.slice(0, 80)}" (${l.className.slice(0, 60)})`;
}

function refuse(l: Layer, why: string, hint = OTHER_HINT): never {
  throw new ExportError(`${describe(l)} ${why}. ${hint}`);
}

function modelRoot(topology: object): { className: string; config: unknown } {
  const t = topology as Json;
  const root = isObj(t.model_config) ? t.model_config : t; // Keras's wrapper
  return { className: String(root.class_name), config: root.config };
}

function planNetwork(topology: object): Plan {
  const root = modelRoot(topology);
  if (!['Sequential', 'Model', 'Functional'].includes(root.className))
    throw new ExportError(`the model class "${root.className.slice(0, 60)}" is not Sequential or Model. ${OTHER_HINT}`);
  const c = root.config;
  const raw = isObj(c) ? c.layers : Array.isArray(c) ? c : undefined;
  if (!Array.isArray(raw) || !raw.length) throw new ExportError(`the model lists no layers. ${OTHER_HINT}`);
  const functional = isObj(c) && root.className !== 'Sequential';
  const layers = raw.map((l, i): Layer => {
    const lo: Json = isObj(l) ? l : {};
    const config = isObj(lo.config) ? lo.config : {};
    const name = typeof config.name === 'string' ? config.name : typeof lo.name === 'string' ? lo.name : `#${i + 1}`;
    return { position: i + 1, name, className: String(lo.class_name), config };
  });
  if (functional) checkEnds(c, layers);
  // The text Transformer is refused at its first layer of its own (its input's free length would
  // otherwise be named first, a less useful reason).
  const text = layers.find((l) => TRANSFORMER_LAYERS.has(l.className) && l.className.startsWith('Studio'));
  if (text) checkClass(layers.find((l) => l.className === 'Embedding') ?? text);

  let shape: number[] | null = null;
  let inputShape: number[] = [];
  const steps: Plan['steps'] = [];
  for (const [i, layer] of layers.entries()) {
    checkClass(layer);
    if (functional) checkChainLink(raw[i], layer, layers[i - 1]);
    const declared = declaredInput(layer);
    if (declared) {
      if (shape) refuse(layer, 'declares an input shape in the middle of the model');
      shape = inputShape = declared;
    }
    if (!shape) refuse(layer, 'comes first but declares no input shape');
    const planned = planLayer(layer, shape);
    if (planned.shape.some((d) => !(Number.isInteger(d) && d >= 1)))
      refuse(layer, `would output ${planned.shape.join('×')} per sample, which is empty`);
    if (planned.step) steps.push({ step: planned.step, outShape: planned.shape });
    shape = planned.shape;
  }
  return { inputShape, steps, outputShape: shape! };
}

function checkClass(layer: Layer): void {
  if ((ONNX_LAYERS as readonly string[]).includes(layer.className)) return;
  refuse(
    layer,
    `is not supported: ONNX export handles single chains of ${ONNX_LAYERS.join(', ')}`,
    TRANSFORMER_LAYERS.has(layer.className) ? TRANSFORMER_HINT : OTHER_HINT,
  );
}

/** A functional model must have one input (its first layer) and one output (its last). */
function checkEnds(config: Json, layers: Layer[]): void {
  const ends = (v: unknown) => (Array.isArray(v) ? v.map((e) => (Array.isArray(e) ? String(e[0]) : '?')) : []);
  const ins = ends(config.input_layers);
  const outs = ends(config.output_layers);
  if (ins.length !== 1 || outs.length !== 1)
    throw new ExportError(
      `the model has ${ins.length} inputs and ${outs.length} outputs; ONNX export handles one of each. ${OTHER_HINT}`,
    );
  const first = layers[0]!;
  const last = layers[layers.length - 1]!;
  if (ins[0] !== first.name) refuse(first, `is not the model's input ("${ins[0]!.slice(0, 80)}" is)`);
  if (outs[0] !== last.name)
    refuse(last, `is not the model's output ("${outs[0]!.slice(0, 80)}" is): ONNX export handles single chains`);
}

/** The layers a functional layer reads, from tfjs's inbound_nodes or Keras 3's keras_history. */
function inboundNames(rawLayer: unknown): string[][] {
  const nodes = isObj(rawLayer) && Array.isArray(rawLayer.inbound_nodes) ? rawLayer.inbound_nodes : [];
  const history = (v: unknown, out: string[]): string[] => {
    if (Array.isArray(v)) v.forEach((e) => history(e, out));
    else if (isObj(v)) {
      if (Array.isArray(v.keras_history)) out.push(String(v.keras_history[0]));
      else Object.values(v).forEach((e) => history(e, out));
    }
    return out;
  };
  return nodes.map((n: unknown) =>
    Array.isArray(n) ? n.map((t) => (Array.isArray(t) ? String(t[0]) : '?')) : history(n, []),
  );
}

function checkChainLink(rawLayer: unknown, layer: Layer, previous: Layer | undefined): void {
  const nodes = inboundNames(rawLayer);
  const expected = previous ? [[previous.name]] : [];
  if (JSON.stringify(nodes) === JSON.stringify(expected)) return;
  const reads = nodes.flat();
  refuse(
    layer,
    `reads ${reads.length ? reads.map((n) => `"${n.slice(0, 80)}"`).join(', ') : 'no layer'}${nodes.length > 1 ? ` in ${nodes.length} calls` : ''}, ` +
      `not just the layer before it: ONNX export handles single chains of layers (no branches, skips or shared layers)`,
    TRANSFORMER_LAYERS.has(layer.className) ? TRANSFORMER_HINT : OTHER_HINT,
  );
}

/** The per-sample input shape a layer declares (batch_input_shape, or Keras 3's batch_shape). */
function declaredInput(layer: Layer): number[] | null {
  const d = layer.config.batch_input_shape ?? layer.config.batch_shape;
  if (d === undefined || d === null) return null;
  if (!Array.isArray(d) || d.length < 2 || d.length > 4)
    refuse(layer, 'declares an input of other than 1 to 3 dimensions per sample');
  const dims = d.slice(1);
  if (!dims.every((v) => Number.isInteger(v) && (v as number) >= 1))
    refuse(layer, `declares input dimensions ${JSON.stringify(dims)}; ONNX export needs them all fixed`);
  const dtype = layer.config.dtype;
  if (dtype !== undefined && dtype !== null && dtype !== 'float32')
    refuse(layer, `takes ${String(dtype).slice(0, 20)} input; ONNX export handles float32 inputs`);
  return dims as number[];
}

function planLayer(layer: Layer, shape: number[]): { step?: Step; shape: number[] } {
  const c = layer.config;
  const cls = layer.className as LayerClass;
  switch (cls) {
    case 'InputLayer':
      if (layer.position !== 1) refuse(layer, 'is not the first layer');
      return { shape };
    case 'Dropout': // identity at inference
      return { shape };
    case 'Activation':
      return { step: { op: 'activation', layer, activation: activationOf(layer, c.activation) }, shape };
    case 'Dense': {
      const units = positiveInt(layer, c.units, 'units');
      const activation = activationOf(layer, c.activation);
      return {
        step: { op: 'dense', layer, units, bias: c.use_bias !== false, activation },
        shape: [...shape.slice(0, -1), units],
      };
    }
    case 'Conv2D':
    case 'Conv2DTranspose':
      return planConv(layer, imageShape(layer, shape));
    case 'MaxPooling2D': {
      const [h, w, ch] = imageShape(layer, shape);
      const kernel = pair(layer, c.pool_size, 'pool_size', [2, 2]);
      const strides = pair(layer, c.strides, 'strides', kernel);
      const padding = paddingOf(layer);
      const y = convAxis(h, kernel[0], strides[0], padding);
      const x = convAxis(w, kernel[1], strides[1], padding);
      return { step: { op: 'maxPool', layer, kernel, strides, pads: onnxPads(y, x) }, shape: [y.size, x.size, ch] };
    }
    case 'GlobalMaxPooling2D': {
      const [, , ch] = imageShape(layer, shape);
      const keepDims = c.keepdims === true;
      return { step: { op: 'globalMaxPool', layer, keepDims }, shape: keepDims ? [1, 1, ch] : [ch] };
    }
    case 'UpSampling2D': {
      const [h, w, ch] = imageShape(layer, shape);
      const size = pair(layer, c.size, 'size', [2, 2]);
      const interpolation = c.interpolation ?? 'nearest';
      if (interpolation !== 'nearest' && interpolation !== 'bilinear')
        refuse(layer, `interpolates "${String(interpolation).slice(0, 20)}"; ONNX export handles nearest and bilinear`);
      const mode = interpolation === 'nearest' ? 'nearest' : 'linear';
      return { step: { op: 'upSample', layer, size, mode }, shape: [h * size[0], w * size[1], ch] };
    }
    case 'Flatten':
      channelsLast(layer);
      return { step: { op: 'flatten', layer }, shape: [prod(shape)] };
    case 'Reshape': {
      const target = reshapeTarget(layer, shape);
      return { step: { op: 'reshape', layer, target }, shape: target };
    }
  }
}

function planConv(layer: Layer, [h, w, ch]: [number, number, number]): { step: Step; shape: number[] } {
  const c = layer.config;
  const transpose = layer.className === 'Conv2DTranspose';
  const filters = positiveInt(layer, c.filters, 'filters');
  const kernel = pair(layer, c.kernel_size, 'kernel_size', [3, 3]);
  const strides = pair(layer, c.strides, 'strides', [1, 1]);
  const dilation = pair(layer, c.dilation_rate, 'dilation_rate', [1, 1]);
  if (dilation[0] !== 1 || dilation[1] !== 1) refuse(layer, 'is dilated; ONNX export handles dilation_rate 1 only');
  if (c.groups !== undefined && c.groups !== null && c.groups !== 1)
    refuse(layer, 'is a grouped convolution; ONNX export handles groups 1 only');
  if (c.output_padding !== undefined && c.output_padding !== null)
    refuse(layer, 'sets output_padding; ONNX export handles the TensorFlow.js default only');
  const padding = paddingOf(layer);
  const activation = activationOf(layer, c.activation);
  const bias = c.use_bias !== false;
  const axis = (n: number, a: 0 | 1): Axis =>
    transpose ? deconvAxis(n, kernel[a], strides[a], padding) : convAxis(n, kernel[a], strides[a], padding);
  const [y, x] = [axis(h, 0), axis(w, 1)];
  const pads = onnxPads(y, x);
  const conv = { inChannels: ch, filters, kernel, strides, pads, outputPadding: [y.extra, x.extra] as Pair };
  return {
    step: { op: transpose ? 'convTranspose' : 'conv', layer, conv, bias, activation },
    shape: [y.size, x.size, filters],
  };
}

/** One spatial axis of a convolution or pooling: output size, pads at its begin and end, and extra. */
interface Axis {
  size: number;
  begin: number;
  end: number;
  /** ConvTranspose's output_padding: rows or columns added at the end. */
  extra: number;
}

const onnxPads = (y: Axis, x: Axis): Pads => [y.begin, x.begin, y.end, x.end];

/**
 * A convolution's or pooling's axis as TensorFlow computes it: 'same' gives ceil(n / stride),
 * padding the odd pixel at the end (explicit pads from the known size, so ONNX matches exactly).
 */
function convAxis(n: number, k: number, s: number, padding: 'same' | 'valid'): Axis {
  if (padding === 'valid') return { size: Math.floor((n - k) / s) + 1, begin: 0, end: 0, extra: 0 };
  const size = Math.ceil(n / s);
  const total = Math.max((size - 1) * s + k - n, 0);
  return { size, begin: Math.floor(total / 2), end: total - Math.floor(total / 2), extra: 0 };
}

/**
 * An axis of tfjs's Conv2DTranspose: n * stride ('same') or n * stride + max(k - stride, 0)
 * ('valid'), with the pads of the convolution it reverses; output_padding adds what ONNX's
 * stride * (n - 1) + k - pads leaves short (a kernel smaller than the stride).
 */
function deconvAxis(n: number, k: number, s: number, padding: 'same' | 'valid'): Axis {
  const size = padding === 'same' ? n * s : n * s + Math.max(k - s, 0);
  const { begin, end } = padding === 'same' ? convAxis(size, k, s, 'same') : { begin: 0, end: 0 };
  return { size, begin, end, extra: size - (s * (n - 1) + k - begin - end) };
}

function imageShape(layer: Layer, shape: number[]): [number, number, number] {
  if (shape.length !== 3) refuse(layer, `needs an image input (height × width × channels), not ${shape.join('×')}`);
  channelsLast(layer);
  return shape as [number, number, number];
}

function channelsLast(layer: Layer): void {
  const f = layer.config.data_format;
  if (f !== undefined && f !== null && f !== 'channels_last')
    refuse(
      layer,
      `uses data_format "${String(f).slice(0, 20)}"; ONNX export handles channels_last (the TensorFlow.js default) only`,
    );
}

function paddingOf(layer: Layer): 'same' | 'valid' {
  const p = layer.config.padding ?? 'valid';
  if (p !== 'same' && p !== 'valid')
    refuse(layer, `pads "${String(p).slice(0, 20)}"; ONNX export handles "same" and "valid"`);
  return p;
}

function positiveInt(layer: Layer, v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return v;
  return refuse(layer, `has ${what} ${JSON.stringify(v)?.slice(0, 40)}, not a whole number of at least 1`);
}

function pair(layer: Layer, v: unknown, what: string, dflt: Pair): Pair {
  if (v === undefined || v === null) return dflt;
  const both = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(both) || both.length !== 2)
    refuse(layer, `has ${what} ${JSON.stringify(v)?.slice(0, 40)}, not one or two numbers`);
  return [positiveInt(layer, both[0], what), positiveInt(layer, both[1], what)];
}

function reshapeTarget(layer: Layer, shape: number[]): number[] {
  const t = layer.config.target_shape;
  if (!Array.isArray(t) || !t.length) refuse(layer, 'has no target_shape');
  // tfjs writes the free dimension as null, Keras as -1.
  const dims = t.map((d) => (d === -1 || d === null ? -1 : positiveInt(layer, d, 'target_shape')));
  const known = prod(dims.filter((d) => d !== -1));
  const free = dims.filter((d) => d === -1).length;
  const n = prod(shape);
  if (free > 1 || (free === 0 && known !== n) || (free === 1 && n % known !== 0))
    refuse(layer, `cannot reshape ${shape.join('×')} to ${dims.join('×')}`);
  return dims.map((d) => (d === -1 ? n / known : d));
}

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

// ---------------------------------------------------------------------------------------------
// Activations: tfjs's names (as serialized; Keras's snake_case too) and their ONNX nodes.

type Emit = (g: GraphBuilder, x: string, at: string, axis: number) => string;
const unary =
  (op: string): Emit =>
  (g, x, at) =>
    g.node(op, [x], at);

const ACTIVATIONS = {
  linear: (_g, x) => x,
  relu: unary('Relu'),
  relu6: (g, x, at) => g.node('Clip', [x, g.scalar(0), g.scalar(6)], at),
  elu: unary('Elu'), // alpha 1 in both
  selu: unary('Selu'), // ONNX's default alpha and gamma are SELU's constants, as tfjs's
  sigmoid: unary('Sigmoid'),
  hardSigmoid: unary('HardSigmoid'), // 0.2 x + 0.5, clipped to [0, 1] in both
  softplus: unary('Softplus'),
  softsign: unary('Softsign'),
  tanh: unary('Tanh'),
  softmax: (g, x, at, axis) => g.node('Softmax', [x], at, [int('axis', axis)]),
  logSoftmax: (g, x, at, axis) => g.node('LogSoftmax', [x], at, [int('axis', axis)]),
  swish: (g, x, at) => g.node('Mul', [x, g.node('Sigmoid', [x], at)], at),
  mish: (g, x, at) => g.node('Mul', [x, g.node('Tanh', [g.node('Softplus', [x], at)], at)], at),
  // x * Φ(x), Φ by erf (tfjs's gelu; gelu_new is the tanh approximation).
  gelu: (g, x, at) => {
    const erf = g.node('Erf', [g.node('Div', [x, g.scalar(Math.SQRT2)], at)], at);
    const cdf = g.node('Mul', [g.node('Add', [erf, g.scalar(1)], at), g.scalar(0.5)], at);
    return g.node('Mul', [x, cdf], at);
  },
  gelu_new: (g, x, at) => {
    const cube = g.node('Mul', [g.node('Mul', [x, x], at), x], at);
    const inner = g.node('Add', [x, g.node('Mul', [cube, g.scalar(0.044715)], at)], at);
    const t = g.node('Tanh', [g.node('Mul', [inner, g.scalar(Math.sqrt(2 / Math.PI))], at)], at);
    return g.node('Mul', [g.node('Mul', [x, g.node('Add', [t, g.scalar(1)], at)], at), g.scalar(0.5)], at);
  },
} satisfies Record<string, Emit>;
type ActivationName = keyof typeof ACTIVATIONS;
const ACTIVATION_ALIASES: Record<string, ActivationName> = { hard_sigmoid: 'hardSigmoid', log_softmax: 'logSoftmax' };

function activationOf(layer: Layer, v: unknown): ActivationName {
  if (v === undefined || v === null) return 'linear';
  // A string in tfjs; an object ({class_name, config}) in some Keras files.
  const name = typeof v === 'string' ? v : isObj(v) && typeof v.class_name === 'string' ? v.class_name : String(v);
  const known = name in ACTIVATIONS ? (name as ActivationName) : ACTIVATION_ALIASES[name];
  if (known) return known;
  return refuse(
    layer,
    `uses the activation "${name.slice(0, 40)}", which ONNX export does not know (it knows ${Object.keys(ACTIVATIONS).join(', ')})`,
  );
}

// ---------------------------------------------------------------------------------------------
// Writing the graph.

/** A tensor in the graph: its logical (tfjs, channels-last) per-sample shape and its memory layout. */
interface Value {
  name: string;
  shape: number[];
  /** Images only: NCHW after a transpose for Conv/Pool. Anything else is as in tfjs. */
  layout: 'NHWC' | 'NCHW';
}

const isImage = (v: Value) => v.shape.length === 3;
/** The channels axis of the tensor as laid out (softmax over channels works in either layout). */
const channelAxis = (v: Value) => (isImage(v) && v.layout === 'NCHW' ? 1 : -1);

function toLayout(g: GraphBuilder, v: Value, layout: Value['layout'], at: string): Value {
  if (!isImage(v) || v.layout === layout) return v;
  const perm = layout === 'NCHW' ? [0, 3, 1, 2] : [0, 2, 3, 1];
  return { ...v, name: g.node('Transpose', [v.name], at, [ints('perm', perm)]), layout };
}

/** Writes one layer's nodes after x; returns its output as laid out (NCHW only for images). */
function emitStep(g: GraphBuilder, { step, outShape }: Planned, x: Value, weights: WeightReader): Value {
  const at = step.layer.name;
  const out = (name: string, layout = x.layout): Value => ({ name, shape: outShape, layout });
  switch (step.op) {
    case 'activation':
      return out(ACTIVATIONS[step.activation](g, x.name, at, channelAxis(x)));
    case 'dense':
      return out(emitDense(g, step, x, weights), 'NHWC');
    case 'conv':
    case 'convTranspose':
      return out(emitConv(g, step, toLayout(g, x, 'NCHW', at), weights), 'NCHW');
    case 'maxPool': {
      const attrs = [ints('kernel_shape', step.kernel), ints('strides', step.strides), ints('pads', step.pads)];
      return out(g.node('MaxPool', [toLayout(g, x, 'NCHW', at).name], at, attrs), 'NCHW');
    }
    case 'globalMaxPool': {
      // ReduceMax over the spatial axes of either layout: no transpose needed.
      const axes = x.layout === 'NCHW' ? [2, 3] : [1, 2];
      return out(g.node('ReduceMax', [x.name], at, [ints('axes', axes), int('keepdims', step.keepDims ? 1 : 0)]));
    }
    case 'upSample': {
      const [sh, sw] = step.size;
      const scales = x.layout === 'NCHW' ? [1, 1, sh, sw] : [1, sh, sw, 1];
      // tfjs resizes with align_corners and half_pixel_centers off: source = floor(dst / scale).
      const attrs = [str('mode', step.mode), str('coordinate_transformation_mode', 'asymmetric')];
      if (step.mode === 'nearest') attrs.push(str('nearest_mode', 'floor'));
      return out(g.node('Resize', [x.name, '', g.floats(`${at}/scales`, [4], Float32Array.from(scales))], at, attrs));
    }
    case 'flatten': {
      if (x.shape.length === 1) return x;
      return out(g.node('Flatten', [toLayout(g, x, 'NHWC', at).name], at, [int('axis', 1)]), 'NHWC');
    }
    case 'reshape': {
      const shape = g.int64s(`${at}/shape`, [-1, ...step.target]);
      return out(g.node('Reshape', [toLayout(g, x, 'NHWC', at).name, shape], at), 'NHWC');
    }
  }
}

function emitDense(g: GraphBuilder, step: Extract<Step, { op: 'dense' }>, x: Value, weights: WeightReader): string {
  const at = step.layer.name;
  const inUnits = x.shape[x.shape.length - 1]!;
  const kernel = weights.take(step.layer, 'kernel', [inUnits, step.units]);
  const bias = step.bias ? weights.take(step.layer, 'bias', [step.units]) : null;
  const k = g.floats(kernel.name, kernel.shape, kernel.values);
  const b = bias && g.floats(bias.name, bias.shape, bias.values);
  let y: string;
  if (x.shape.length === 1) y = g.node('Gemm', b ? [x.name, k, b] : [x.name, k], at);
  else {
    // tfjs's Dense on a higher-rank input acts on the last axis: MatMul broadcasts the same way.
    const v = toLayout(g, x, 'NHWC', at);
    y = g.node('MatMul', [v.name, k], at);
    if (b) y = g.node('Add', [y, b], at);
  }
  return ACTIVATIONS[step.activation](g, y, at, -1);
}

function emitConv(
  g: GraphBuilder,
  step: Extract<Step, { op: 'conv' | 'convTranspose' }>,
  x: Value,
  weights: WeightReader,
): string {
  const at = step.layer.name;
  const { inChannels, filters, strides, pads, outputPadding } = step.conv;
  const [kh, kw] = step.conv.kernel;
  const transpose = step.op === 'convTranspose';
  // tfjs: Conv2D [kh, kw, in, out], Conv2DTranspose [kh, kw, out, in]; ONNX: Conv [out, in, kh,
  // kw], ConvTranspose [in, out, kh, kw]: the same permutation for both.
  const kernel = weights.take(
    step.layer,
    'kernel',
    transpose ? [kh, kw, filters, inChannels] : [kh, kw, inChannels, filters],
  );
  const onnxShape = [kernel.shape[3]!, kernel.shape[2]!, kh, kw];
  const inputs = [x.name, g.floats(kernel.name, onnxShape, permute(kernel.values, kernel.shape, [3, 2, 0, 1]))];
  if (step.bias) {
    const bias = weights.take(step.layer, 'bias', [filters]);
    inputs.push(g.floats(bias.name, bias.shape, bias.values));
  }
  const attrs = [ints('kernel_shape', [kh, kw]), ints('strides', strides), ints('pads', pads)];
  if (transpose && (outputPadding[0] || outputPadding[1])) attrs.push(ints('output_padding', outputPadding));
  const y = g.node(transpose ? 'ConvTranspose' : 'Conv', inputs, at, attrs);
  return ACTIVATIONS[step.activation](g, y, at, 1);
}

/** values laid out as `shape`, transposed so axis i of the result is axis perm[i] of the input. */
function permute(values: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length;
  const inStrides = shape.map((_, a) => prod(shape.slice(a + 1)));
  const outShape = perm.map((p) => shape[p]!);
  const step = perm.map((p) => inStrides[p]!);
  const out = new Float32Array(values.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = values[src]!;
    // Advance the output index like an odometer, moving the source offset along.
    for (let a = rank - 1; a >= 0; a--) {
      src += step[a]!;
      if (++idx[a]! < outShape[a]!) break;
      src -= step[a]! * outShape[a]!;
      idx[a] = 0;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Weights: taken in the manifest's order (tfjs saves them layer by layer, kernel then bias), each
// checked against the shape its layer implies.

interface Weight {
  name: string;
  shape: number[];
  values: Float32Array;
}

class WeightReader {
  private index = 0;
  private offset = 0;

  constructor(
    private readonly specs: SavedNetwork['weightSpecs'],
    private readonly data: ArrayBuffer,
  ) {
    const bytes = specs.reduce((s, w) => s + prod(w.shape) * 4, 0);
    if (bytes !== data.byteLength)
      throw new ExportError(
        `The weights are ${data.byteLength.toLocaleString('en-US')} bytes, but their manifest needs ${bytes.toLocaleString('en-US')}; the model is damaged. Download it in the TensorFlow.js format or train it again.`,
      );
  }

  take(layer: Layer, role: 'kernel' | 'bias', shape: number[]): Weight {
    const spec = this.specs[this.index];
    if (!spec || spec.dtype !== 'float32' || spec.shape.join() !== shape.join())
      throw new ExportError(
        `${describe(layer)} needs a float32 ${role} of ${shape.join('×')}, but the weights list ` +
          (spec ? `"${spec.name}" (${spec.dtype} ${spec.shape.join('×')})` : 'nothing more') +
          ' there; the weights do not belong to this topology.',
      );
    const n = prod(shape);
    // A view (float32 offsets are aligned): the encoder copies it, and nothing writes to it.
    const values = new Float32Array(this.data, this.offset, n);
    this.index++;
    this.offset += n * 4;
    return { name: spec.name, shape, values };
  }

  assertAllRead(): void {
    if (this.index !== this.specs.length)
      throw new ExportError(
        `The weights list ${this.specs.length} tensors but the layers use ${this.index} ("${this.specs[this.index]!.name}" is left over); the weights do not belong to this topology.`,
      );
  }
}

// ---------------------------------------------------------------------------------------------
// The graph under construction: nodes in order, initializers, unique names.

const LITTLE_ENDIAN = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

type Attribute = onnx.AttributeProto.$Properties;
const { AttributeType } = onnx.AttributeProto;
const int = (name: string, i: number): Attribute => ({ name, type: AttributeType.INT, i });
const ints = (name: string, v: readonly number[]): Attribute => ({ name, type: AttributeType.INTS, ints: [...v] });
const str = (name: string, s: string): Attribute => ({
  name,
  type: AttributeType.STRING,
  s: new TextEncoder().encode(s),
});

class GraphBuilder {
  readonly nodes: onnx.NodeProto.$Properties[] = [];
  readonly initializers: onnx.TensorProto.$Properties[] = [];
  private readonly names = new Set<string>();
  private readonly scalars = new Map<number, string>();

  /** `reserved`: names nothing else may take (the graph's input and output). */
  constructor(reserved: string[]) {
    reserved.forEach((n) => this.names.add(n));
  }

  /** Adds a node named after its layer and op; returns its output's name (the node's own). */
  node(opType: string, inputs: string[], at: string, attribute: Attribute[] = []): string {
    const name = this.unique(`${at}/${opType}`);
    this.nodes.push({ name, opType, input: inputs, output: [name], attribute });
    return name;
  }

  /** A float32 initializer as raw little-endian bytes (ONNX's order whatever the host's). */
  floats(name: string, dims: number[], values: Float32Array): string {
    let bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    if (!LITTLE_ENDIAN) {
      const le = new DataView(new ArrayBuffer(values.byteLength));
      values.forEach((x, i) => le.setFloat32(i * 4, x, true));
      bytes = new Uint8Array(le.buffer);
    }
    return this.initializer(name, dims, onnx.TensorProto.DataType.FLOAT, bytes);
  }

  int64s(name: string, values: number[]): string {
    const le = new DataView(new ArrayBuffer(values.length * 8));
    values.forEach((x, i) => le.setBigInt64(i * 8, BigInt(x), true));
    return this.initializer(name, [values.length], onnx.TensorProto.DataType.INT64, new Uint8Array(le.buffer));
  }

  /** A float32 scalar constant, shared by every node that uses the same value. */
  scalar(value: number): string {
    let name = this.scalars.get(value);
    if (!name) {
      name = this.floats(`const/${value}`, [], Float32Array.of(value));
      this.scalars.set(value, name);
    }
    return name;
  }

  /** Gives the graph's last value the output's name (an Identity when it is the input itself). */
  nameOutput(last: string, output: string): void {
    const producer = this.nodes.find((n) => n.output?.[0] === last);
    if (producer) producer.output = [output];
    else this.nodes.push({ name: this.unique('output/Identity'), opType: 'Identity', input: [last], output: [output] });
  }

  private initializer(name: string, dims: number[], dataType: number, rawData: Uint8Array): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims, dataType, rawData });
    return unique;
  }

  private unique(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }
}
