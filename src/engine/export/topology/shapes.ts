// The shape arithmetic of the studio's layers as TensorFlow.js computes it (tfjs-layers'
// convOutputLength and deconvLength, TensorFlow's "same" padding): one copy, used by the reader
// and by every format that needs explicit pads (ONNX's pads, PyTorch's padding and crops).

export type Pair = [number, number];
export type Padding = 'same' | 'valid';

/** The number of values in a shape (1 for a scalar). */
export const prod = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The positions a window of k covers with dilation d: (k - 1) * d + 1. */
export const windowSpan = (k: number, dilation = 1): number => (k - 1) * dilation + 1;

/**
 * One spatial axis of a layer: its output size, the padding TensorFlow adds before (begin) and
 * after (end) the input, and, for a transposed convolution, the positions its full output falls
 * short of `size` at the end (ONNX's and PyTorch's output_padding).
 */
export interface Axis {
  size: number;
  begin: number;
  end: number;
  extra: number;
}

/**
 * An axis of a convolution or a pooling window. 'valid': the windows that fit, floor((n - span) /
 * stride) + 1. 'same': ceil(n / stride), padded by what the last window lacks, the odd position at
 * the end (TensorFlow's rule; PyTorch and ONNX pad both sides alike unless told otherwise).
 */
export function convAxis(n: number, k: number, stride: number, padding: Padding, dilation = 1): Axis {
  const span = windowSpan(k, dilation);
  if (padding === 'valid') return { size: Math.floor((n - span) / stride) + 1, begin: 0, end: 0, extra: 0 };
  const size = Math.ceil(n / stride);
  const total = Math.max((size - 1) * stride + span - n, 0);
  const begin = Math.floor(total / 2);
  return { size, begin, end: total - begin, extra: 0 };
}

/**
 * An axis of tfjs's Conv2DTranspose: n * stride ('same') or n * stride + max(k - stride, 0)
 * ('valid'). Of the full transposed output, (n - 1) * stride + k long, it drops the pads of the
 * convolution it reverses (begin, end) and adds `extra` positions at the end when the kernel is
 * smaller than the stride.
 */
export function deconvAxis(n: number, k: number, stride: number, padding: Padding): Axis {
  const size = padding === 'same' ? n * stride : n * stride + Math.max(k - stride, 0);
  const { begin, end } = padding === 'same' ? convAxis(size, k, stride, 'same') : { begin: 0, end: 0 };
  return { size, begin, end, extra: size - ((n - 1) * stride + k - begin - end) };
}

/**
 * A Reshape's target (one free dimension at most, written -1 or null) for an input of `size`
 * values; null when it cannot hold them.
 */
export function reshapeTarget(size: number, dims: readonly (number | null)[]): number[] | null {
  const free = dims.filter((d) => d === null || d < 0).length;
  const known = prod(dims.filter((d): d is number => d !== null && d >= 0));
  if (free > 1 || (free === 0 && known !== size) || (free === 1 && (known === 0 || size % known !== 0))) return null;
  return dims.map((d) => (d === null || d < 0 ? size / known : d));
}
