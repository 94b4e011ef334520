// The one reader of a saved TensorFlow.js layers topology (Sequential, or a functional model that
// is a single chain; Keras's {model_config} wrapper too): every layer's class and options checked,
// its shapes inferred as tfjs infers them, its weights' shapes derived, and each option the
// reading format refuses refused by its row of the support table. The import, ONNX export and the
// PyTorch project all start here.
import { NO_LIMITS, refuse, type ReadContext, type ReadLimits } from './errors';
import {
  KNOWN_LAYERS,
  TRANSFORMER_LAYERS,
  type Chain,
  type ChainLayer,
  type LayerRef,
  type ParsedLayer,
  type WeightRef,
  where,
} from './layers';
import { isObj, parseLayer, type Json, type RawLayer } from './parse';
import { convAxis, deconvAxis, prod, reshapeTarget } from './shapes';
import { refusal, type Format } from './support';

export { TopologyError, NO_LIMITS, type ReadLimits } from './errors';

const MODEL_CLASSES = ['Sequential', 'Model', 'Functional'];

/** The model's root (class_name, config), whether wrapped by Keras ({model_config}) or not. */
export function modelRoot(topology: object): Json {
  const t = topology as Json;
  return isObj(t.model_config) ? t.model_config : t;
}

/** The raw layer list of a topology (Sequential's config, or a functional model's config.layers); [] when there is none. */
export function topologyLayers(topology: object): unknown[] {
  const config = modelRoot(topology).config;
  const layers = isObj(config) ? config.layers : config;
  return Array.isArray(layers) ? layers : [];
}

/**
 * The topology as a checked chain of layers, for `format`; throws TopologyError naming the first
 * layer it cannot take (and why, and what works instead).
 */
export function readChain(topology: object, format: Format, limits: ReadLimits = NO_LIMITS): Chain {
  const ctx: ReadContext = { format, limits };
  const root = modelRoot(topology);
  const raw = rawLayers(ctx, root);
  const functional = root.class_name !== 'Sequential' && isObj(root.config);
  if (functional) checkEnds(ctx, root.config as Json, raw);
  checkTransformer(ctx, raw);
  // Layer by layer: a known class, fed by the layer before it alone.
  raw.forEach((l, i) => {
    checkClass(ctx, l);
    if (functional) checkLink(ctx, l, raw[i - 1], raw);
  });
  const modelName = isObj(root.config) && typeof root.config.name === 'string' ? root.config.name : 'model';
  return { modelName, ...walk(ctx, raw as RawLayer[]) };
}

/** The layers as listed, each with its position, name, class and config. */
function rawLayers(ctx: ReadContext, root: Json): (LayerRef & { config: Json; inbound: unknown })[] {
  const className = String(root.class_name);
  if (!MODEL_CLASSES.includes(className))
    refuse(ctx, null, `the model class "${className.slice(0, 60)}" is not Sequential or Model`);
  const config = root.config;
  const list = isObj(config) ? config.layers : Array.isArray(config) ? config : undefined;
  if (!Array.isArray(list) || !list.length) refuse(ctx, null, 'the model lists no layers');
  if (list.length > ctx.limits.layers)
    refuse(ctx, null, `the model has ${list.length} layers; the limit is ${ctx.limits.layers}`);
  return list.map((l: unknown, i) => {
    if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config))
      refuse(ctx, null, `layer ${i + 1} has no class_name and config`);
    const name = typeof l.config.name === 'string' ? l.config.name : typeof l.name === 'string' ? l.name : `layer${i}`;
    return { position: i + 1, name, className: l.class_name, config: l.config, inbound: l.inbound_nodes };
  });
}

/** The text Transformer is named at its first layer of its own, whatever else is wrong with its graph. */
function checkTransformer(ctx: ReadContext, layers: LayerRef[]): void {
  if (!layers.some((l) => TRANSFORMER_LAYERS.has(l.className) && l.className.startsWith('Studio'))) return;
  const first = layers.find((l) => TRANSFORMER_LAYERS.has(l.className))!;
  refuse(ctx, first, "is not supported: it is a layer of the studio's text Transformer", 'transformer');
}

/** Every class must be one the studio builds. */
function checkClass(ctx: ReadContext, l: LayerRef): void {
  if ((KNOWN_LAYERS as readonly string[]).includes(l.className)) return;
  refuse(
    ctx,
    l,
    `is not supported: it is a "${l.className.slice(0, 60)}", which the studio does not know (it knows ${KNOWN_LAYERS.join(', ')})`,
    TRANSFORMER_LAYERS.has(l.className) ? 'transformer' : 'other',
  );
}

/** A functional model: one input (its first layer) and one output (its last). */
function checkEnds(ctx: ReadContext, config: Json, layers: LayerRef[]): void {
  const ends = (v: unknown) => (Array.isArray(v) ? v.map((e) => (Array.isArray(e) ? String(e[0]) : '?')) : []);
  const ins = ends(config.input_layers);
  const outs = ends(config.output_layers);
  if (ins.length !== 1 || outs.length !== 1)
    refuse(ctx, null, `the model has ${ins.length} inputs and ${outs.length} outputs; the studio reads one of each`);
  const first = layers[0]!;
  const last = layers[layers.length - 1]!;
  if (ins[0] !== first.name) refuse(ctx, first, `is not the model's input ("${ins[0]!.slice(0, 80)}" is)`);
  if (outs[0] !== last.name)
    refuse(ctx, last, `is not the model's output ("${outs[0]!.slice(0, 80)}" is): the studio reads single chains`);
}

/** Each layer of a functional chain reads the one before it alone, in one call. */
function checkLink(
  ctx: ReadContext,
  l: LayerRef & { inbound: unknown },
  previous: LayerRef | undefined,
  layers: (LayerRef & { inbound: unknown })[],
): void {
  const calls = inboundNames(l.inbound);
  if (JSON.stringify(calls) === JSON.stringify(previous ? [[previous.name]] : [])) return;
  const reads = calls.flat();
  // Where the branches meet again, if they do: that layer's class says what kind of graph it is.
  const join = layers.find((m) => inboundNames(m.inbound).some((c) => c.length > 1));
  refuse(
    ctx,
    l,
    `reads ${reads.length ? reads.map((n) => `"${n.slice(0, 80)}"`).join(', ') : 'no layer'}${calls.length > 1 ? ` in ${calls.length} calls` : ''}, ` +
      'not just the layer before it: the studio reads single chains of layers (no branches, skips or shared layers)' +
      (join ? `; its branches join at ${where(join)}` : ''),
    TRANSFORMER_LAYERS.has(l.className) ? 'transformer' : 'other',
  );
}

/** The layers a functional layer reads, per call: from tfjs's inbound_nodes, or Keras 3's keras_history. */
function inboundNames(inbound: unknown): string[][] {
  const nodes = Array.isArray(inbound) ? inbound : [];
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

/** The layers in order: options read, refusals from the support table, shapes and weights inferred. */
function walk(ctx: ReadContext, raw: RawLayer[]): Omit<Chain, 'modelName'> {
  let shape: number[] | null = null;
  let input: { shape: number[]; dtype: string } | null = null;
  const layers: ChainLayer[] = [];
  for (const r of raw) {
    const l = parseLayer(ctx, r);
    if (l.declaredInput) {
      if (shape) refuse(ctx, l, 'declares an input shape in the middle of the model');
      input = l.declaredInput;
      shape = input.shape;
    }
    if (l.type === 'input' && l.position !== 1) refuse(ctx, l, 'is not the first layer');
    if (!shape) refuse(ctx, l, 'comes first but declares no input shape');
    const refused = refusal(l, ctx.format);
    if (refused) refuse(ctx, l, `uses ${refused.uses}: ${refused.reason}`);
    if (l.type === 'input') continue;
    const placed = place(ctx, l, shape);
    layers.push(placed);
    shape = placed.outShape;
  }
  return { inputShape: input!.shape, inputDtype: input!.dtype, outputShape: shape!, layers };
}

/** A layer with its shapes (tfjs's, channels last) and the shapes of its weights. */
function place(ctx: ReadContext, l: Exclude<ParsedLayer, { type: 'input' }>, inShape: number[]): ChainLayer {
  const { outShape, target } = outputShape(ctx, l, inShape);
  if (outShape.some((d) => !(Number.isInteger(d) && d >= 1)))
    refuse(ctx, l, `would output ${outShape.join('×')} values per sample, which is empty`);
  if (prod(outShape) > ctx.limits.values)
    refuse(
      ctx,
      l,
      `would output ${outShape.join('×')} values per sample; the limit is ${ctx.limits.values.toLocaleString('en-US')}`,
    );
  const weights = weightShapes(l, inShape).map(([role, shape]): WeightRef => ({
    name: `${l.name}/${role}`,
    shape,
    role,
    offset: null,
  }));
  return { ...l, ...(target ? { target } : {}), inShape, outShape, weights } as ChainLayer;
}

function outputShape(
  ctx: ReadContext,
  l: Exclude<ParsedLayer, { type: 'input' }>,
  s: number[],
): { outShape: number[]; target?: number[] } {
  const image = (): [number, number, number] => {
    if (s.length !== 3) refuse(ctx, l, `needs an image input (height × width × channels), not ${s.join('×')}`);
    return s as [number, number, number];
  };
  switch (l.type) {
    case 'dense':
      return { outShape: [...s.slice(0, -1), l.units] };
    case 'dropout':
    case 'activation':
      return { outShape: s };
    case 'flatten':
      return { outShape: [prod(s)] };
    case 'reshape': {
      const target = reshapeTarget(prod(s), l.dims);
      if (!target) refuse(ctx, l, `cannot reshape ${s.join('×')} to ${l.dims.map((d) => d ?? -1).join('×')}`);
      return { outShape: target, target };
    }
    case 'conv':
    case 'deconv': {
      const [h, w] = image();
      const axis = (n: number, a: 0 | 1) =>
        l.type === 'conv'
          ? convAxis(n, l.kernel[a], l.strides[a], l.padding, l.dilation[a]).size
          : deconvAxis(n, l.kernel[a], l.strides[a], l.padding).size;
      return { outShape: [axis(h, 0), axis(w, 1), l.filters] };
    }
    case 'maxpool': {
      const [h, w, ch] = image();
      const axis = (n: number, a: 0 | 1) => convAxis(n, l.pool[a], l.strides[a], l.padding).size;
      return { outShape: [axis(h, 0), axis(w, 1), ch] };
    }
    case 'globalmaxpool':
      return { outShape: [image()[2]] };
    case 'upsample': {
      const [h, w, ch] = image();
      return { outShape: [h * l.size[0], w * l.size[1], ch] };
    }
  }
}

/** The weights a layer holds, in tfjs's order (kernel, then bias), with their shapes. */
function weightShapes(l: ParsedLayer, inShape: number[]): ['kernel' | 'bias', number[]][] {
  const inner = inShape[inShape.length - 1]!;
  const withBias = (kernel: number[], bias: boolean, out: number): ['kernel' | 'bias', number[]][] =>
    bias
      ? [
          ['kernel', kernel],
          ['bias', [out]],
        ]
      : [['kernel', kernel]];
  switch (l.type) {
    case 'dense':
      return withBias([inner, l.units], l.bias, l.units);
    // Conv2D: [kh, kw, in, out]; Conv2DTranspose: [kh, kw, out, in].
    case 'conv':
      return withBias([...l.kernel, inner, l.filters], l.bias, l.filters);
    case 'deconv':
      return withBias([...l.kernel, l.filters, inner], l.bias, l.filters);
    default:
      return [];
  }
}
