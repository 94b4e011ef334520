// model.py: the studio network as an explicit torch.nn.Module, written layer by layer from the
// chain (named attributes per tfjs layer, a forward() a person can follow), followed by the fixed
// part (weights in and out of the studio's layouts, the --check) from templates/model_io.py.
import modelIo from './templates/model_io.py?raw';
import { assertNever } from '../../../shared/assertNever';
import type { Activation, Chain, ChainLayer } from '../topology/layers';
import { convAxis, deconvAxis, type Axis } from '../topology/shapes';

export interface ModelPyInfo {
  /** The run's model name and dataset, for the docstring. */
  title: string;
  /** What one input is, in words (from preprocessing.json). */
  inputNote: string;
}

/** Python names that a layer attribute must not take (keywords, nn.Module's own attributes). */
const RESERVED = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from ' +
    'global if import in is lambda nonlocal not or pass raise return try while with yield x logits self ' +
    'training forward train eval parameters named_parameters modules named_modules children named_children ' +
    'state_dict load_state_dict to cpu cuda type float double half bfloat16 apply zero_grad register_buffer ' +
    'register_parameter add_module buffers named_buffers requires_grad_ share_memory extra_repr get_submodule ' +
    'get_parameter get_buffer dump_patches call_super_init OUTPUT'
  ).split(' '),
);

/** A Python attribute name per layer: the tfjs name where it is one, made one otherwise; unique. */
export function attributeNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let base = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!base || /^[0-9]/.test(base) || RESERVED.has(base)) base = `layer_${base}`;
    let attr = base;
    for (let k = 2; used.has(attr); k++) attr = `${base}_${k}`;
    used.add(attr);
    return attr;
  });
}

/** Text safe inside a Python docstring (no quotes or backslashes to end or escape it; one line). */
export const docText = (s: string) => s.replace(/\\/g, '/').replace(/"/g, "'").replace(/\s+/g, ' ');

const tuple = (p: readonly number[]) => `(${p.join(', ')}${p.length === 1 ? ',' : ''})`;
const py = (s: string) => JSON.stringify(s); // a JSON string is a valid Python string literal
const pyNumber = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));

/** `expr` through the activation, as PyTorch writes it; `dim`: softmax's axis. */
function activate(a: Activation, expr: string, dim: number): string {
  switch (a) {
    case 'linear':
      return expr;
    case 'relu':
      return `torch.relu(${expr})`;
    case 'relu6':
      return `F.relu6(${expr})`;
    case 'sigmoid':
      return `torch.sigmoid(${expr})`;
    case 'hard_sigmoid':
      return `torch.clamp(0.2 * ${expr} + 0.5, 0.0, 1.0)`; // tfjs's (not PyTorch's x/6 + 1/2)
    case 'tanh':
      return `torch.tanh(${expr})`;
    case 'softmax':
      return `torch.softmax(${expr}, dim=${dim})`;
    case 'log_softmax':
      return `torch.log_softmax(${expr}, dim=${dim})`;
    case 'gelu':
      return `F.gelu(${expr})`; // x * Φ(x) by erf, as tfjs's
    case 'gelu_new':
      return `F.gelu(${expr}, approximate="tanh")`; // tfjs's tanh approximation (PyTorch 1.12+)
    case 'elu':
      return `F.elu(${expr})`;
    case 'selu':
      return `F.selu(${expr})`;
    case 'softplus':
      return `F.softplus(${expr})`;
    case 'softsign':
      return `F.softsign(${expr})`;
    case 'swish':
      return `F.silu(${expr})`;
    case 'mish':
      return `F.mish(${expr})`;
    default:
      return assertNever(a);
  }
}

/** Two axes' pads as PyTorch's F.pad lists them: (left, right, top, bottom). */
const padArgs = (y: Axis, x: Axis) => tuple([x.begin, x.end, y.begin, y.end]);
const symmetric = (a: Axis) => a.begin === a.end;

/** Summary of a layer in one line (the docstring's diagram). */
function describe(l: ChainLayer): string {
  const act = 'activation' in l && l.activation !== 'linear' ? `, ${l.activation}` : '';
  switch (l.type) {
    case 'dense':
      return `Dense(${l.units}${act})`;
    case 'conv':
    case 'deconv':
      return `${l.className}(${l.filters}, ${l.kernel.join('×')}${l.strides.some((s) => s > 1) ? `, stride ${l.strides.join('×')}` : ''}${act})`;
    case 'maxpool':
      return `MaxPool(${l.pool.join('×')})`;
    case 'globalmaxpool':
      return 'GlobalMaxPool';
    case 'upsample':
      return `UpSampling(${l.size.join('×')})`;
    case 'flatten':
      return 'Flatten';
    case 'reshape':
      return `Reshape(${l.target.join('×')})`;
    case 'dropout':
      return `Dropout(${l.rate})`;
    case 'activation':
      return `Activation(${l.activation})`;
    default:
      return assertNever(l);
  }
}

interface Emitted {
  init: string[];
  forward: string[];
  weights: string[];
}

/** The Python for one layer: its module (if any), its forward lines, its weight table rows. */
class Writer {
  /** Whether the tensor in forward() is NCHW now (it arrives NHWC, as the studio's). */
  channelsFirst = false;
  readonly out: Emitted = { init: [], forward: [], weights: [] };

  constructor(private readonly finalSoftmax: ChainLayer | null) {}

  private line(code: string, comment?: string) {
    // Layer names come from the user's model.json: no line break may end the comment early.
    this.out.forward.push(comment ? `${code}  # ${comment.replace(/\p{Cc}|[\u2028\u2029]/gu, ' ')}` : code);
  }

  /** Before convolutions and pooling: NHWC -> NCHW, once. */
  toChannelsFirst() {
    if (this.channelsFirst) return;
    this.line('x = x.permute(0, 3, 1, 2)', "NHWC -> NCHW: PyTorch's convolutions take channels first");
    this.channelsFirst = true;
  }

  /** Before anything that reads the values in tfjs's order (Flatten, Reshape, Dense): NCHW -> NHWC. */
  toChannelsLast(why: string) {
    if (!this.channelsFirst) return;
    this.line('x = x.permute(0, 2, 3, 1)', `NCHW -> NHWC: ${why}`);
    this.channelsFirst = false;
  }

  /** `x = activation(expr)`, or, for the network's final softmax, the logits first. */
  private apply(l: ChainLayer, a: Activation, expr: string, comment?: string) {
    if (l === this.finalSoftmax) {
      if (expr !== 'x') this.line(`x = ${expr}`, comment);
      this.line('if logits:');
      this.line('    return x', 'the scores before the softmax, for a numerically stable loss');
      this.line('return torch.softmax(x, dim=-1)');
      return;
    }
    const softmaxDim = this.channelsFirst ? 1 : -1;
    const code = activate(a, expr, softmaxDim);
    if (code !== 'x') this.line(`x = ${code}`, comment);
  }

  private weight(tfjs: string, param: string, layout: string) {
    this.out.weights.push(`    (${py(tfjs)}, ${py(param)}, ${layout}),`);
  }

  layer(l: ChainLayer, attr: string) {
    const note = `${l.name}: ${l.className}`;
    switch (l.type) {
      case 'dense': {
        if (l.inShape.length > 1) this.toChannelsLast('Dense acts on the last (channel) axis');
        const inner = l.inShape[l.inShape.length - 1]!;
        this.out.init.push(`self.${attr} = nn.Linear(${inner}, ${l.units}${l.bias ? '' : ', bias=False'})`);
        this.weight(l.weights[0]!.name, `${attr}.weight`, py('dense'));
        if (l.bias) this.weight(l.weights[1]!.name, `${attr}.bias`, 'None');
        this.apply(l, l.activation, `self.${attr}(x)`);
        return;
      }
      case 'conv':
      case 'deconv':
        this.convolution(l, attr, note);
        return;
      case 'maxpool':
        this.maxPool(l, attr, note);
        return;
      case 'globalmaxpool':
        this.toChannelsFirst();
        this.line('x = x.amax(dim=(2, 3))', note);
        this.channelsFirst = false; // one value per channel: no layout left to track
        return;
      case 'upsample':
        // Bilinear is refused for PyTorch (support.ts): nn.Upsample's sampling differs from tfjs's.
        if (l.interpolation !== 'nearest') throw new Error(`model.py writes nearest upsampling only (${l.name}).`);
        this.toChannelsFirst();
        this.out.init.push(`self.${attr} = nn.Upsample(scale_factor=${tuple(l.size)}, mode="nearest")`);
        this.line(`x = self.${attr}(x)`);
        return;
      case 'flatten':
        this.toChannelsLast('flatten in tfjs order (height, width, channel)');
        this.line('x = x.flatten(1)', note);
        return;
      case 'reshape':
        this.toChannelsLast('reshape in tfjs order');
        this.line(`x = x.reshape(-1, ${l.target.join(', ')})`, note);
        return;
      case 'dropout':
        this.out.init.push(`self.${attr} = nn.Dropout(p=${pyNumber(l.rate)})`);
        this.line(`x = self.${attr}(x)`);
        return;
      case 'activation':
        this.apply(l, l.activation, 'x', note);
        return;
      default:
        assertNever(l);
    }
  }

  private maxPool(l: Extract<ChainLayer, { type: 'maxpool' }>, attr: string, note: string) {
    this.toChannelsFirst();
    const [h, w] = l.inShape as [number, number];
    const y = convAxis(h, l.pool[0], l.strides[0], l.padding);
    const x = convAxis(w, l.pool[1], l.strides[1], l.padding);
    // nn.MaxPool2d pads both sides alike, by at most half the window; otherwise F.pad with -inf.
    const builtIn = symmetric(y) && symmetric(x) && y.begin <= l.pool[0] / 2 && x.begin <= l.pool[1] / 2;
    const padding = builtIn && (y.begin || x.begin) ? `, padding=${tuple([y.begin, x.begin])}` : '';
    this.out.init.push(
      `self.${attr} = nn.MaxPool2d(kernel_size=${tuple(l.pool)}, stride=${tuple(l.strides)}${padding})`,
    );
    if (!builtIn)
      this.line(
        `x = F.pad(x, ${padArgs(y, x)}, value=float("-inf"))`,
        `${l.name}: TF "same" pads the extra row/column at the end`,
      );
    this.line(`x = self.${attr}(x)`, l.padding === 'same' ? `${note}, "same"` : undefined);
  }

  private convolution(l: Extract<ChainLayer, { type: 'conv' | 'deconv' }>, attr: string, note: string) {
    this.toChannelsFirst();
    const [h, w, cin] = l.inShape as [number, number, number];
    const args = [`${cin}`, `${l.filters}`, `kernel_size=${tuple(l.kernel)}`];
    if (l.strides.some((s) => s > 1)) args.push(`stride=${tuple(l.strides)}`);
    const comment: string[] = [];
    let pre: string | null = null;
    let post: string | null = null;
    if (l.type === 'conv') {
      if (l.dilation.some((d) => d > 1)) args.push(`dilation=${tuple(l.dilation)}`);
      if (l.padding === 'same') {
        const y = convAxis(h, l.kernel[0], l.strides[0], 'same', l.dilation[0]);
        const x = convAxis(w, l.kernel[1], l.strides[1], 'same', l.dilation[1]);
        if (symmetric(y) && symmetric(x)) {
          if (y.begin || x.begin) args.push(`padding=${tuple([y.begin, x.begin])}`);
          comment.push(`${note}, "same" padding`);
        } else pre = `x = F.pad(x, ${padArgs(y, x)})`;
      }
      this.weight(l.weights[0]!.name, `${attr}.weight`, py('conv2d'));
    } else {
      // PyTorch's full transposed output, cropped as TF's: padding where both ends lose the same,
      // output_padding for what it falls short at the end, a slice otherwise.
      const y = deconvAxis(h, l.kernel[0], l.strides[0], l.padding);
      const x = deconvAxis(w, l.kernel[1], l.strides[1], l.padding);
      const both = symmetric(y) && symmetric(x);
      if (both && (y.begin || x.begin)) args.push(`padding=${tuple([y.begin, x.begin])}`);
      if (y.extra || x.extra) args.push(`output_padding=${tuple([y.extra, x.extra])}`);
      if (!both) post = `x = x[:, :, ${y.begin}:${y.begin + y.size}, ${x.begin}:${x.begin + x.size}]`;
      comment.push(`${note}, ${l.padding === 'same' ? 'TF "same"' : '"valid"'}`);
      this.weight(l.weights[0]!.name, `${attr}.weight`, py('conv_transpose2d'));
    }
    if (!l.bias) args.push('bias=False');
    else this.weight(l.weights[1]!.name, `${attr}.bias`, 'None');
    const module = l.type === 'conv' ? 'nn.Conv2d' : 'nn.ConvTranspose2d';
    this.out.init.push(`self.${attr} = ${module}(${args.join(', ')})`);
    if (pre) this.line(pre, `${l.name}: TF "same" pads the extra row/column at the end`);
    if (post) {
      this.line(`x = self.${attr}(x)`);
      this.line(post, `${l.name}: TF "same" crops the odd position at the end`);
      this.apply(l, l.activation, 'x');
    } else this.apply(l, l.activation, `self.${attr}(x)`, comment.join('; ') || undefined);
  }
}

/** The network's last layer when it ends in a softmax over a vector: forward(logits=True) stops before it. */
function finalSoftmaxLayer(chain: Chain): ChainLayer | null {
  const last = chain.layers[chain.layers.length - 1]!;
  const act = 'activation' in last ? last.activation : null;
  return act === 'softmax' && last.outShape.length === 1 && last.type !== 'globalmaxpool' ? last : null;
}

/** The output's activation, in tfjs's words (train.py picks its loss by it). */
function outputActivation(chain: Chain): string {
  const last = chain.layers[chain.layers.length - 1]!;
  return 'activation' in last ? last.activation : 'linear';
}

/** The network in one line: Input(…) -> Dense(128, relu) -> … */
export function diagram(chain: Chain): string {
  return [`Input(${chain.inputShape.join('×')})`, ...chain.layers.map(describe)].join(' -> ');
}

/** `text` broken after " -> " into lines of at most `width` characters, each indented by `pad`. */
function wrapArrows(text: string, width: number, pad: string): string {
  const lines: string[] = [];
  let line = '';
  for (const part of text.split(' -> ')) {
    const next = line ? `${line} -> ${part}` : part;
    if (line && pad.length + next.length > width) {
      lines.push(`${pad}${line} ->`);
      line = part;
    } else line = next;
  }
  lines.push(`${pad}${line}`);
  return lines.join('\n');
}

const indent = (lines: string[], n: number) => lines.map((l) => (l ? ' '.repeat(n) + l : l)).join('\n');

/** model.py for the chain. */
export function modelPy(chain: Chain, info: ModelPyInfo): string {
  const attrs = attributeNames(chain.layers.map((l) => l.name));
  const softmax = finalSoftmaxLayer(chain);
  const w = new Writer(softmax);
  chain.layers.forEach((l, i) => w.layer(l, attrs[i]!));
  const outRank = chain.layers[chain.layers.length - 1]!.outShape.length;
  if (outRank === 3) w.toChannelsLast("the output is an image, NHWC like the studio's");
  if (!softmax) w.out.forward.push('return x');
  const summary = diagram(chain);
  const usesF = w.out.forward.some((line) => /\bF\./.test(line));
  const layerRows = chain.layers.map(
    (l, i) => `    (${py(l.name)}, ${py(l.className)}, ${l.weights.length ? py(attrs[i]!) : 'None'}),`,
  );
  const signature = softmax ? 'def forward(self, x, logits=False):' : 'def forward(self, x):';
  const forwardDoc = softmax
    ? '"""x: inputs as the studio encodes them. Returns class probabilities (softmax), or the\n        logits with logits=True (for F.cross_entropy, numerically stabler than log(softmax))."""'
    : '"""x: inputs as the studio encodes them. Returns what the studio\'s model returns."""';
  return `"""${info.title}: the studio's network as a plain torch.nn.Module.

Generated by Pretrain Studio from the model's model.json (studio/model.json):

${wrapArrows(summary, 100, '    ')}

${info.inputNote}

    python model.py --check    # predicts check.json's held-out rows, compares with the studio

Weights: weights.npz holds them in the studio's (tfjs) layouts under tfjs's names; load_weights()
converts them once (Dense kernels [in, out] -> Linear [out, in], Conv2D HWIO -> OIHW,
Conv2DTranspose [kh, kw, out, in] -> [in, out, kh, kw]); tfjs_weights() converts back.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
${usesF ? 'import torch.nn.functional as F\n' : ''}from torch import nn

HERE = Path(__file__).resolve().parent

INPUT_SHAPE = ${tuple(chain.inputShape)}
"""One sample as the studio's network takes it (images: height, width, channels: NHWC)."""

OUTPUT = ${py(outputActivation(chain))}
"""The output layer's activation (train.py picks the loss by it)."""

LAYERS = [
    # (studio layer name, tfjs class, attribute holding its weights): freezing reads this
${layerRows.join('\n')}
]

WEIGHTS = [
    # (tfjs weight name = key in weights.npz, PyTorch parameter, layout change)
${w.out.weights.join('\n')}
]


class StudioModel(nn.Module):
    """${docText(chain.modelName)} from Pretrain Studio, layer by layer (the diagram is at the top)."""

    def __init__(self):
        super().__init__()
${indent(w.out.init.length ? w.out.init : ['pass'], 8)}

    ${signature}
        ${forwardDoc}
        x = x.reshape(-1, *INPUT_SHAPE)
${indent(w.out.forward, 8)}


${modelIo.slice(modelIo.indexOf('# ---8<---') + '# ---8<---'.length).trimStart()}`;
}
