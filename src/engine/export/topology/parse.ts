// One layer's config read into its options: each value checked (a whole number in range, one of
// the spellings tfjs and Keras write), defaults filled in as tfjs fills them.
import { refuse, shown, wholeRange, type ReadContext } from './errors';
import {
  ACTIVATION_ALIASES,
  ACTIVATIONS,
  type Activation,
  type LayerClass,
  type LayerHead,
  type LayerOptions,
  type LayerRef,
  type ParsedLayer,
} from './layers';
import { isObj } from '../safeJson';
import type { Pair, Padding } from './shapes';

export type Json = Record<string, unknown>;
export { isObj };

/** A layer as the topology lists it, its class already known. */
export interface RawLayer extends LayerRef {
  className: LayerClass;
  config: Json;
}

/** Reads one layer's config; the format and its caps decide what is accepted. */
export function parseLayer(ctx: ReadContext, l: RawLayer): ParsedLayer {
  const f = new Fields(ctx, l);
  return { ...head(f, l), ...options(f, l.className) } as ParsedLayer;
}

function head(f: Fields, l: RawLayer): LayerHead {
  const { position, name, className } = l;
  return { position, name, className, dataFormat: f.dataFormat(), declaredInput: f.declaredInput() };
}

function options(f: Fields, cls: LayerClass): LayerOptions {
  switch (cls) {
    case 'InputLayer':
      return { type: 'input' };
    case 'Dense':
      return { type: 'dense', units: f.whole('units', 1, f.limits.units), bias: f.bias(), activation: f.activation() };
    case 'Dropout':
      return { type: 'dropout', rate: f.rate(), noiseShape: f.given('noise_shape') };
    case 'Activation':
      return { type: 'activation', activation: f.activation() };
    case 'Flatten':
      return { type: 'flatten' };
    case 'Reshape':
      return { type: 'reshape', dims: f.targetShape() };
    case 'Conv2D':
    case 'Conv2DTranspose':
      return convolution(f, cls === 'Conv2D' ? 'conv' : 'deconv');
    case 'MaxPooling2D': {
      const pool = f.pair('pool_size', f.limits.pool, [2, 2]);
      return { type: 'maxpool', pool, strides: f.pair('strides', f.limits.pool, pool), padding: f.padding() };
    }
    case 'GlobalMaxPooling2D':
      return { type: 'globalmaxpool', keepdims: f.config.keepdims === true || f.config.keep_dims === true };
    case 'UpSampling2D':
      return { type: 'upsample', size: f.pair('size', f.limits.upsampling, [2, 2]), interpolation: f.interpolation() };
  }
}

function convolution(f: Fields, type: 'conv' | 'deconv'): LayerOptions {
  return {
    type,
    filters: f.whole('filters', 1, f.limits.filters),
    kernel: f.pair('kernel_size', f.limits.kernel, [3, 3]),
    strides: f.pair('strides', f.limits.strides, [1, 1]),
    dilation: f.pair('dilation_rate', f.limits.strides, [1, 1]),
    padding: f.padding(),
    bias: f.bias(),
    activation: f.activation(),
    groups: f.given('groups') ? f.whole('groups', 1, Infinity) : 1,
    outputPadding: f.config.output_padding ?? null,
  };
}

/** The fields of one layer's config, each read and checked, refusals naming the layer. */
class Fields {
  readonly config: Json;

  constructor(
    private readonly ctx: ReadContext,
    private readonly at: LayerRef & { config: Json },
  ) {
    this.config = at.config;
  }

  get limits() {
    return this.ctx.limits;
  }

  private refuse(why: string): never {
    return refuse(this.ctx, this.at, why);
  }

  given(key: string): boolean {
    return this.config[key] !== undefined && this.config[key] !== null;
  }

  whole(key: string, min: number, max: number, v: unknown = this.config[key]): number {
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    return this.refuse(`sets ${key} to ${shown(v)}, but ${key} must be ${wholeRange(min, max)}`);
  }

  /** One number for both axes, or two (height, width). */
  pair(key: string, max: number, dflt: Pair): Pair {
    const v = this.config[key];
    if (v === undefined || v === null) return dflt;
    const both = typeof v === 'number' ? [v, v] : v;
    if (!Array.isArray(both) || both.length !== 2)
      this.refuse(`sets ${key} to ${shown(v)}, but ${key} must be one or two numbers`);
    return [this.whole(key, 1, max, both[0]), this.whole(key, 1, max, both[1])];
  }

  bias(): boolean {
    return this.config.use_bias !== false;
  }

  rate(): number {
    const rate = this.config.rate;
    if (typeof rate === 'number' && rate >= 0 && rate < 1) return rate;
    return this.refuse(`sets rate to ${shown(rate)}, but rate must be from 0 to below 1`);
  }

  padding(): Padding {
    const p = this.config.padding ?? 'valid';
    if (p === 'valid' || p === 'same') return p;
    return this.refuse(`sets padding to ${shown(p)}, but padding must be "valid" or "same"`);
  }

  interpolation(): 'nearest' | 'bilinear' {
    const i = this.config.interpolation ?? 'nearest';
    if (i === 'nearest' || i === 'bilinear') return i;
    return this.refuse(`sets interpolation to ${shown(i)}; TensorFlow.js interpolates "nearest" or "bilinear"`);
  }

  dataFormat(): LayerHead['dataFormat'] {
    const d = this.config.data_format ?? 'channels_last';
    if (d === 'channels_last' || d === 'channels_first') return d;
    return this.refuse(`sets data_format to ${shown(d)}, but data_format must be "channels_last" or "channels_first"`);
  }

  /** The activation by tfjs's name: a string in tfjs, an object ({class_name, config}) in some Keras files. */
  activation(): Activation {
    const v = this.config.activation;
    if (v === undefined || v === null) return 'linear';
    const name = typeof v === 'string' ? v : isObj(v) && typeof v.class_name === 'string' ? v.class_name : shown(v);
    if ((ACTIVATIONS as readonly string[]).includes(name)) return name as Activation;
    if (Object.hasOwn(ACTIVATION_ALIASES, name)) return ACTIVATION_ALIASES[name]!;
    return this.refuse(
      `uses the activation "${name.slice(0, 40)}", which the studio does not know (TensorFlow.js 4.22 has ${ACTIVATIONS.join(', ')})`,
    );
  }

  /** A Reshape's target_shape: 1 to 3 dimensions, one of them free at most (-1 in Keras, null in tfjs). */
  targetShape(): (number | null)[] {
    const t = this.config.target_shape;
    if (!Array.isArray(t) || !t.length || t.length > 3)
      this.refuse(`sets target_shape to ${shown(t)}, but target_shape must have 1 to 3 dimensions`);
    return t.map((d) => (d === null || d === -1 ? null : this.whole('target_shape', 1, this.limits.dim, d)));
  }

  /** The per-sample input shape a layer declares (batch_input_shape, or Keras 3's batch_shape), with its dtype. */
  declaredInput(): LayerHead['declaredInput'] {
    const d = this.config.batch_input_shape ?? this.config.batch_shape;
    if (d === undefined || d === null) return null;
    if (!Array.isArray(d) || d.length < 2 || d.length > 4)
      this.refuse(`declares the input shape ${shown(d)}; the studio's layers take inputs of 1 to 3 dimensions`);
    const shape = d.slice(1);
    if (!shape.every((v) => Number.isInteger(v) && v >= 1 && v <= this.limits.dim))
      this.refuse(
        `declares the input dimensions ${shown(shape)}; each must be fixed, ${wholeRange(1, this.limits.dim)}`,
      );
    return { shape: shape as number[], dtype: dtypeName(this.config.dtype) };
  }
}

/** A dtype as tfjs writes it ("float32"), or Keras 3's policy object ({config: {name}}). */
function dtypeName(v: unknown): string {
  if (v === undefined || v === null) return 'float32';
  if (typeof v === 'string') return v;
  if (isObj(v) && isObj(v.config) && typeof v.config.name === 'string') return v.config.name;
  return shown(v);
}
