// A studio network as an ONNX model (opset 13), written from the saved TensorFlow.js layers
// topology and weights without tfjs: it runs in the worker, and the same bytes load in ONNX
// Runtime anywhere. The topology is read by the shared reader (../topology: the chain, its shapes,
// and what ONNX refuses by the support table). The ONNX input is NHWC like the studio's tensors;
// inside, images are transposed to NCHW for Conv/Pool only where a layer needs it (a Conv -> Pool
// -> Conv chain stays NCHW) and back before anything that reads channels last (Flatten, Reshape,
// Dense, the output), so the flatten order and every output match tfjs.
import { ExportError } from '../exportError';
import type { Activation, Chain, ChainLayer } from '../topology/layers';
import { readChain, TopologyError } from '../topology/read';
import { convAxis, deconvAxis, prod, type Axis, type Pair } from '../topology/shapes';
import { bindWeights, checkWeightBytes, weightValues } from '../topology/weights';
import { onnx } from './onnx.pb';

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

/**
 * Whether toOnnx can write this network, from its topology alone (cheap: no weights read). The
 * reason names the first layer it cannot write (position, name, class), why, and what to do.
 */
export function onnxSupport(modelTopology: object): OnnxSupport {
  try {
    readChain(modelTopology, 'onnx');
    return { ok: true };
  } catch (e) {
    if (e instanceof TopologyError) return { ok: false, reason: e.message };
    throw e;
  }
}

/** The network as ONNX writes it: the chain for 'onnx', its weights bound to the manifest and the bytes. */
function readNetwork(model: SavedNetwork): Chain {
  try {
    const chain = readChain(model.modelTopology, 'onnx');
    checkWeightBytes(model.weightSpecs, model.weightData.byteLength);
    return bindWeights(chain, model.weightSpecs);
  } catch (e) {
    if (e instanceof TopologyError) throw new ExportError(`This model cannot be exported to ONNX: ${e.message}`);
    throw e;
  }
}

/** The ONNX model's bytes (a protobuf ModelProto); throws ExportError for what it cannot write. */
export function toOnnx(model: SavedNetwork, opts: OnnxOptions): Uint8Array {
  const inputName = opts.inputName ?? 'input';
  const outputName = opts.outputName ?? 'output';
  if (inputName === outputName) throw new Error('The ONNX input and output need different names.');
  const chain = readNetwork(model);
  const g = new GraphBuilder([inputName, outputName]);
  let x: Value = { name: inputName, shape: chain.inputShape, layout: 'NHWC' };
  for (const layer of chain.layers) x = emitLayer(g, layer, x, model.weightData);
  g.nameOutput(toLayout(g, x, 'NHWC', 'output').name, outputName);

  const bytes = onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: PRODUCER,
    docString: docString(opts, inputName, chain.inputShape, outputName, chain.outputShape),
    graph: {
      name: opts.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(inputName, chain.inputShape)],
      output: [valueInfo(outputName, chain.outputShape)],
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
// Activations: every one tfjs has (the reader's names) and its ONNX nodes.

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
  hard_sigmoid: unary('HardSigmoid'), // 0.2 x + 0.5, clipped to [0, 1] in both
  softplus: unary('Softplus'),
  softsign: unary('Softsign'),
  tanh: unary('Tanh'),
  softmax: (g, x, at, axis) => g.node('Softmax', [x], at, [int('axis', axis)]),
  log_softmax: (g, x, at, axis) => g.node('LogSoftmax', [x], at, [int('axis', axis)]),
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
} satisfies Record<Activation, Emit>;

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
function emitLayer(g: GraphBuilder, l: ChainLayer, x: Value, data: ArrayBuffer): Value {
  const at = l.name;
  const out = (name: string, layout = x.layout): Value => ({ name, shape: l.outShape, layout });
  switch (l.type) {
    case 'dropout': // the identity at inference
      return x;
    case 'activation':
      return out(ACTIVATIONS[l.activation](g, x.name, at, channelAxis(x)));
    case 'dense':
      return out(emitDense(g, l, x, data), 'NHWC');
    case 'conv':
    case 'deconv':
      return out(emitConv(g, l, toLayout(g, x, 'NCHW', at), data), 'NCHW');
    case 'maxpool': {
      const [h, w] = l.inShape as [number, number];
      const pads = onnxPads(
        convAxis(h, l.pool[0], l.strides[0], l.padding),
        convAxis(w, l.pool[1], l.strides[1], l.padding),
      );
      const attrs = [ints('kernel_shape', l.pool), ints('strides', l.strides), ints('pads', pads)];
      return out(g.node('MaxPool', [toLayout(g, x, 'NCHW', at).name], at, attrs), 'NCHW');
    }
    case 'globalmaxpool': {
      // ReduceMax over the spatial axes of either layout: no transpose needed.
      const axes = x.layout === 'NCHW' ? [2, 3] : [1, 2];
      return out(g.node('ReduceMax', [x.name], at, [ints('axes', axes), int('keepdims', 0)]));
    }
    case 'upsample':
      return out(emitUpsample(g, l, x));
    case 'flatten': {
      if (x.shape.length === 1) return x;
      return out(g.node('Flatten', [toLayout(g, x, 'NHWC', at).name], at, [int('axis', 1)]), 'NHWC');
    }
    case 'reshape': {
      const shape = g.int64s(`${at}/shape`, [-1, ...l.target]);
      return out(g.node('Reshape', [toLayout(g, x, 'NHWC', at).name, shape], at), 'NHWC');
    }
  }
}

/** ONNX's pads for 2-D: top, left, bottom, right. */
const onnxPads = (y: Axis, x: Axis) => [y.begin, x.begin, y.end, x.end];

function emitUpsample(g: GraphBuilder, l: Extract<ChainLayer, { type: 'upsample' }>, x: Value): string {
  const [sh, sw] = l.size;
  const scales = x.layout === 'NCHW' ? [1, 1, sh, sw] : [1, sh, sw, 1];
  // tfjs resizes with align_corners and half_pixel_centers off: source = dst / scale
  // ("asymmetric"), nearest rounding down (floor), bilinear between the two neighbours.
  const attrs = [
    str('mode', l.interpolation === 'nearest' ? 'nearest' : 'linear'),
    str('coordinate_transformation_mode', 'asymmetric'),
  ];
  if (l.interpolation === 'nearest') attrs.push(str('nearest_mode', 'floor'));
  return g.node('Resize', [x.name, '', g.floats(`${l.name}/scales`, [4], Float32Array.from(scales))], l.name, attrs);
}

function emitDense(g: GraphBuilder, l: Extract<ChainLayer, { type: 'dense' }>, x: Value, data: ArrayBuffer): string {
  const at = l.name;
  const [kernel, bias] = l.weights;
  const k = g.floats(kernel!.name, kernel!.shape, weightValues(data, kernel!));
  const b = bias && g.floats(bias.name, bias.shape, weightValues(data, bias));
  let y: string;
  if (x.shape.length === 1) y = g.node('Gemm', b ? [x.name, k, b] : [x.name, k], at);
  else {
    // tfjs's Dense on a higher-rank input acts on the last axis: MatMul broadcasts the same way.
    const v = toLayout(g, x, 'NHWC', at);
    y = g.node('MatMul', [v.name, k], at);
    if (b) y = g.node('Add', [y, b], at);
  }
  return ACTIVATIONS[l.activation](g, y, at, -1);
}

/** A convolution's two axes with TF's "same" padding made explicit (the odd position at the end). */
function convAxes(l: Extract<ChainLayer, { type: 'conv' | 'deconv' }>): [Axis, Axis] {
  const axis = (a: 0 | 1) =>
    l.type === 'conv'
      ? convAxis(l.inShape[a]!, l.kernel[a], l.strides[a], l.padding, l.dilation[a])
      : deconvAxis(l.inShape[a]!, l.kernel[a], l.strides[a], l.padding);
  return [axis(0), axis(1)];
}

function emitConv(
  g: GraphBuilder,
  l: Extract<ChainLayer, { type: 'conv' | 'deconv' }>,
  x: Value,
  data: ArrayBuffer,
): string {
  const [kh, kw] = l.kernel;
  const transpose = l.type === 'deconv';
  const [y, z] = convAxes(l);
  // tfjs: Conv2D [kh, kw, in, out], Conv2DTranspose [kh, kw, out, in]; ONNX: Conv [out, in, kh,
  // kw], ConvTranspose [in, out, kh, kw]: the same permutation for both.
  const [kernel, bias] = l.weights;
  const onnxShape = [kernel!.shape[3]!, kernel!.shape[2]!, kh, kw];
  const values = permute(weightValues(data, kernel!), kernel!.shape, [3, 2, 0, 1]);
  const inputs = [x.name, g.floats(kernel!.name, onnxShape, values)];
  if (bias) inputs.push(g.floats(bias.name, bias.shape, weightValues(data, bias)));
  const attrs = [ints('kernel_shape', [kh, kw]), ints('strides', l.strides), ints('pads', onnxPads(y, z))];
  // The pads above already span the dilated kernel (convAxis), as ONNX's output size expects.
  if (l.type === 'conv' && l.dilation.some((d) => d > 1)) attrs.push(ints('dilations', l.dilation));
  const outputPadding: Pair = [y.extra, z.extra];
  if (transpose && (outputPadding[0] || outputPadding[1])) attrs.push(ints('output_padding', outputPadding));
  const out = g.node(transpose ? 'ConvTranspose' : 'Conv', inputs, l.name, attrs);
  return ACTIVATIONS[l.activation](g, out, l.name, 1);
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
