// Convolution gradients for tfjs-backend-wasm. Version 4.22 has no Conv2DBackpropFilter (tfjs issue
// #8474), so no CNN could train on wasm, and its Conv2DBackpropInput is a direct six-deep loop. Both
// are matrix products once the windows are laid out (im2col): the products go to the GEMM that
// XNNPACK gives wasm's BatchMatMul, and only the cheap layout work stays in JavaScript.
//   filter gradient: dW[K, Cout] = cols^T[K, P] · dy[P, Cout]
//   input gradient:  dcols[P, K] = dy[P, Cout] · W^T[Cout, K], then each window added back (col2im)
// with P = batch x output rows x output columns and K = kernel rows x kernel columns x in channels.
import * as tf from '@tensorflow/tfjs';

/** Where the windows of a channels-last 2-D convolution lie (dilations 1: tfjs has no gradient for others). */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function convGeometry(xShape: number[], filterShape: number[], attrs: ConvAttrs): ConvGeometry {
  if (attrs.dataFormat === 'NCHW')
    throw new Error('The wasm convolution gradients take channels-last (NHWC) data only.');
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * The windows of x [N, H, W, C] as the columns of a [K, P] matrix, written into out: row
 * (kh, kw, c), column (n, oh, ow); zero where a window reaches into the padding.
 */
export function im2colT(x: ArrayLike<number>, g: ConvGeometry, out: Float32Array): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const P = batch * outH * outW;
  out.fill(0, 0, kH * kW * inC * P);
  const rowStride = inW * inC;
  const imageStride = inH * rowStride;
  for (let kh = 0; kh < kH; kh++)
    for (let kw = 0; kw < kW; kw++) {
      // The output columns whose window column kw lies inside the image.
      const owFirst = Math.max(0, Math.ceil((padLeft - kw) / strideW));
      const owEnd = Math.min(outW, Math.floor((inW - 1 + padLeft - kw) / strideW) + 1);
      for (let c = 0; c < inC; c++) {
        let col = ((kh * kW + kw) * inC + c) * P;
        for (let n = 0; n < batch; n++)
          for (let oh = 0; oh < outH; oh++, col += outW) {
            const ih = oh * strideH - padTop + kh;
            if (ih < 0 || ih >= inH) continue;
            let from = n * imageStride + ih * rowStride + (owFirst * strideW - padLeft + kw) * inC + c;
            const step = strideW * inC;
            for (let ow = owFirst; ow < owEnd; ow++, from += step) out[col + ow] = x[from]!;
          }
      }
    }
}

/** Each window's values of cols [P, K] added back where the window lies in an [N, H, W, C] image. */
export function col2im(cols: ArrayLike<number>, g: ConvGeometry, out: Float32Array): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  out.fill(0, 0, batch * inH * inW * inC);
  const K = kH * kW * inC;
  let p = 0;
  for (let n = 0; n < batch; n++)
    for (let oh = 0; oh < outH; oh++)
      for (let ow = 0; ow < outW; ow++, p++)
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * strideH - padTop + kh;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * strideW - padLeft + kw;
            if (iw < 0 || iw >= inW) continue;
            const from = p * K + (kh * kW + kw) * inC;
            const to = ((n * inH + ih) * inW + iw) * inC;
            for (let c = 0; c < inC; c++) out[to + c]! += cols[from + c]!;
          }
        }
}

/**
 * A stride-1 convolution's input gradient is a convolution of dy with the filter turned half a
 * turn and its channels swapped, padded so that the output has the input's size: wasm's own
 * Conv2D (XNNPACK) computes it, several times faster than a product and col2im here.
 */
export function flippedFilter(
  w: ArrayLike<number>,
  kH: number,
  kW: number,
  inC: number,
  outC: number,
  out: Float32Array,
): void {
  for (let kh = 0; kh < kH; kh++)
    for (let kw = 0; kw < kW; kw++) {
      const to = ((kH - 1 - kh) * kW + (kW - 1 - kw)) * outC * inC;
      const from = (kh * kW + kw) * inC * outC;
      for (let ci = 0; ci < inC; ci++)
        for (let co = 0; co < outC; co++) out[to + co * inC + ci] = w[from + ci * outC + co]!;
    }
}

/** The padding of that convolution, or undefined where it would be negative (then col2im). */
export function transposedPadding(g: ConvGeometry): tf.backend_util.ExplicitPadding | undefined {
  if (g.strideH !== 1 || g.strideW !== 1) return undefined;
  const top = g.kH - 1 - g.padTop;
  const left = g.kW - 1 - g.padLeft;
  const bottom = g.inH - g.outH - top + g.kH - 1;
  const right = g.inW - g.outW - left + g.kW - 1;
  if (Math.min(top, left, bottom, right) < 0) return undefined;
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

/**
 * tfjs's MaxPoolGrad: dy goes to the first largest value of each window (row by row, as the cpu
 * backend picks). Channels-last, so each window is read as runs of C contiguous values.
 */
export function maxPoolGradFlat(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  info: tf.backend_util.Conv2DInfo,
  out: Float32Array,
): void {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: fH, effectiveFilterWidth: fW } = info;
  const { top, left } = info.padInfo;
  out.fill(0, 0, batchSize * inHeight * inWidth * C);
  const best = new Float32Array(C);
  const at = new Int32Array(C);
  let o = 0;
  for (let b = 0; b < batchSize; b++)
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = Math.max(0, oh * strideHeight - top);
      const r1 = Math.min(inHeight, oh * strideHeight - top + fH);
      for (let ow = 0; ow < outWidth; ow++, o += C) {
        const c0 = Math.max(0, ow * strideWidth - left);
        const c1 = Math.min(inWidth, ow * strideWidth - left + fW);
        best.fill(-Infinity);
        at.fill(-1);
        for (let r = r0; r < r1; r++)
          for (let c = c0; c < c1; c++) {
            const base = ((b * inHeight + r) * inWidth + c) * C;
            for (let d = 0; d < C; d++) {
              const v = x[base + d]!;
              if (v > best[d]!) {
                best[d] = v;
                at[d] = base + d;
              }
            }
          }
        for (let d = 0; d < C; d++) if (at[d]! >= 0) out[at[d]!]! += dy[o + d]!;
      }
    }
}

/** wasm's internals the kernels read and write in place (no copies of the large layouts). */
interface WasmBackend {
  wasm: { HEAPF32: Float32Array };
  dataIdMap: { get(id: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * The float32 values of tensors on wasm's heap, viewed in place. Take the views after the last
 * allocation: a growing heap replaces the buffer under them.
 */
function heap(backend: WasmBackend, ...infos: tf.TensorInfo[]): Float32Array[] {
  return infos.map((t) => {
    const at = backend.dataIdMap.get(t.dataId)!.memoryOffset / 4;
    return backend.wasm.HEAPF32.subarray(at, at + size(t.shape));
  });
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

function ownKernel(name: string): tf.KernelFunc {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm has no ${name} kernel`);
  return k.kernelFunc;
}

/** An untransposed product on wasm's BatchMatMul (XNNPACK's GEMM), a [1, M, K] by b [1, K, N]. */
function gemm(backend: tf.KernelBackend, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const attrs = { transposeA: false, transposeB: false };
  return ownKernel('BatchMatMul')({ inputs: { a, b }, backend, attrs }) as tf.TensorInfo;
}

function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const b = backend as unknown as WasmBackend;
  const g = convGeometry(x.shape, a.filterShape, a);
  const P = g.batch * g.outH * g.outW;
  const cols = b.makeOutput([1, g.kH * g.kW * g.inC, P], 'float32');
  try {
    const [xs, colsView] = heap(b, x, cols);
    im2colT(xs!, g, colsView!);
    const out = gemm(backend, cols, { ...dy, shape: [1, P, g.outC] });
    // [K, Cout] is the filter's own layout [kH, kW, Cin, Cout] read flat.
    out.shape = [...a.filterShape];
    return out;
  } finally {
    b.disposeData(cols.dataId);
  }
}

function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
  const b = backend as unknown as WasmBackend;
  const g = convGeometry(a.inputShape, filter.shape, a);
  const pad = transposedPadding(g);
  if (pad) {
    const turned = b.makeOutput([g.kH, g.kW, g.outC, g.inC], 'float32');
    try {
      const [w, t] = heap(b, filter, turned);
      flippedFilter(w!, g.kH, g.kW, g.inC, g.outC, t!);
      const convAttrs = { strides: 1, pad, dilations: 1, dataFormat: 'NHWC', dimRoundingMode: undefined };
      return ownKernel('Conv2D')({
        inputs: { x: dy, filter: turned },
        backend,
        attrs: convAttrs as unknown as tf.NamedAttrMap,
      }) as tf.TensorInfo;
    } finally {
      b.disposeData(turned.dataId);
    }
  }
  const K = g.kH * g.kW * g.inC;
  const wT = b.makeOutput([1, g.outC, K], 'float32');
  let dcols: tf.TensorInfo | undefined;
  try {
    const [w, t] = heap(b, filter, wT);
    transpose2dInto(w!, K, g.outC, t!);
    dcols = gemm(backend, { ...dy, shape: [1, g.batch * g.outH * g.outW, g.outC] }, wT);
    const dx = b.makeOutput([...a.inputShape], 'float32');
    const [cols, out] = heap(b, dcols, dx);
    col2im(cols!, g, out!);
    return dx;
  } finally {
    b.disposeData(wT.dataId);
    if (dcols) b.disposeData(dcols.dataId);
  }
}

function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const a = attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const b = backend as unknown as WasmBackend;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const dx = b.makeOutput([...input.shape], 'float32');
  const [xs, dys, out] = heap(b, input, dy, dx);
  maxPoolGradFlat(xs!, dys!, info, out!);
  return dx;
}

/** A [rows, cols] matrix transposed into out. */
export function transpose2dInto(m: ArrayLike<number>, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
}

/** Registers the gradients for wasm: the filter's (which it lacks), the input's and max pooling's (in place of its own). */
export function registerWasmConvKernels(): void {
  const kernels: [string, tf.KernelFunc][] = [
    ['Conv2DBackpropFilter', conv2DBackpropFilter as tf.KernelFunc],
    ['Conv2DBackpropInput', conv2DBackpropInput as tf.KernelFunc],
    ['MaxPoolGrad', maxPoolGrad as tf.KernelFunc],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
